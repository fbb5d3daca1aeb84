"""A crawl's writer in a thread, committing batch after batch while a test copies the archive."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive_items import Clock, article_item, open_writer

from csto_crawler.outcomes import RunMode

BATCH = 5  # articles per committed batch: a consistent copy holds a whole number of batches


class LiveWriter:
    """Counts the batches committed so far (``batches``) while it runs."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.batches = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        writer = open_writer(self.archive, Clock())
        try:
            run = writer.begin_run(RunMode.INCREMENTAL, {})
            while not self.stop.is_set():
                n = self.batches + 1
                items = [
                    article_item(f"live-{n}-{k}", element_id=f"9{n:04d}{k}", body_text=f"Text {n} {k}.")
                    for k in range(BATCH)
                ]
                writer.write_batch(items, run)
                self.batches = n
            writer.finish_run(run, "finished")
        finally:
            writer.close()


@contextmanager
def writing(archive: Path) -> Iterator[LiveWriter]:
    """A writer committing batches into ``archive`` (a few already written) until the block ends."""
    live = LiveWriter(archive)
    live.thread.start()
    try:
        while live.batches < 3:
            time.sleep(0.01)
        yield live
    finally:
        live.stop.set()
        live.thread.join(timeout=60)
