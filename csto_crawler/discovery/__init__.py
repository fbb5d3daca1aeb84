"""Discovery: how a source's articles are found without per-site code (feeds, sitemaps, listings, URL shapes)."""
