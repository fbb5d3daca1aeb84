"""The archive: schema and migrations, the crawl writer, queries and exports (all SQL lives here)."""
