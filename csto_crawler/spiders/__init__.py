"""Spiders: they route responses to page objects and yield items; they do not parse or store."""
