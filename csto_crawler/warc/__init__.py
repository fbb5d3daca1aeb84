"""WARC in and out: the archive in the web archivists' exchange format, and their captures into it.

``export`` writes every stored fetch as WARC 1.1 records (``csto warc export``; the records
themselves in ``records``, their warcinfo and metadata fields in ``export_fields``); ``importer``
reads WARC and ARC files, from any tool, through the crawl's own extraction, cleaning and archive
rules (``csto warc import``; pages read in worker processes by ``page_reading``, turned into items
by ``import_items``); ``captures`` turns their records into what the importer needs. All speak
WARC through ``warcio``, the ecosystem's library for it.
"""
