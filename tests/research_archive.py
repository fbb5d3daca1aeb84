"""A small archive for the researchers' tools (release, report, PostgreSQL export), written through ArchiveWriter.

Three runs over two weeks: Russian and English articles in three sections and several months,
paired across languages; inflected Russian forms (безопасность, безопасности, безопасностью) so
that stemmed search has something to find; an article edited on the site (two versions), one the
site removed (a tombstone), and a downloaded attachment.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from archive_items import (
    Clock,
    article_item,
    article_url,
    fetch_record,
    gone_notice,
    open_writer,
)

from csto_crawler.archive.store import RunRecord
from csto_crawler.archive.words import stem_text
from csto_crawler.items import AttachmentItem, AttachmentLink

ATTACHMENT_URL = "https://odkb-csto.org/upload/iblock/39a/zayavlenie.docx"
ATTACHMENT_BYTES = b"PK\x03\x04 a docx file, stored as bytes"

# (slug, lang, section, element id, published, title, body)
RU = [
    (
        "sovet",
        "ru",
        "news/news_odkb",
        "101",
        "2025-11-03",
        "Совет коллективной безопасности",
        "Вопросы коллективной безопасности обсудили в Москве.\n\nСовет принял заявление.",
    ),
    (
        "ucheniya",
        "ru",
        "news/news_odkb",
        "102",
        "2025-12-15",
        "Учения «Взаимодействие»",
        "Учения прошли в Беларуси.\n\nОни укрепляют безопасность региона.",
    ),
    (
        "zayavlenie",
        "ru",
        "documents/statements",
        "103",
        "2026-01-20T10:30:00+03:00",
        "Заявление министров",
        "Министры выступили за безопасностью границ.\n\nСм. документ.",
    ),
    (
        "vstrecha",
        "ru",
        "news/smi",
        "104",
        "2026-02-05",
        "Встреча генеральных секретарей",
        "Генеральные секретари провели встречу.",
    ),
]
EN = [
    (
        "council",
        "en",
        "news/news_odkb",
        "101",
        "2025-11-03",
        "Collective Security Council",
        "Questions of collective security were discussed in Moscow.\n\nThe Council adopted a statement.",
    ),
    (
        "exercises",
        "en",
        "news/news_odkb",
        "102",
        "2025-12-15",
        "Interaction exercises",
        "The exercises took place in Belarus.\n\nThey strengthen regional security.",
    ),
    (
        "meeting",
        "en",
        "news/smi",
        "104",
        "2026-02-05",
        "Meeting of the Secretaries General",
        "The Secretaries General held meetings.",
    ),
]
PAIRS = {"sovet": "council", "ucheniya": "exercises", "vstrecha": "meeting"}
EDITED = ("ru", "sovet")  # gets a second version in run 2
GONE = ("en", "exercises")  # removed from the site in run 3
RU_SECURITY_IDS = {"ru-101", "ru-102", "ru-103"}  # the Russian articles with a form of безопасность
# Each run's wall time and report counts (crawl_runs.counts: language -> section -> outcome -> count).
RUN_SECONDS = (95, 12, 7)
RUN_COUNTS = (
    {
        "ru": {"news/news_odkb": {"new": 2}, "documents/statements": {"new": 1}, "news/smi": {"new": 1, "failed": 2}},
        "en": {"news/news_odkb": {"new": 2}, "news/smi": {"new": 1}},
    },
    {"ru": {"news/news_odkb": {"changed": 1, "failed": 1}}},
    {"en": {"news/news_odkb": {"gone": 1}}},
)


def _items(clock: Clock, edited: bool = False) -> list[object]:
    items: list[object] = []
    for slug, lang, section, eid, published, title, body in RU + EN:
        other = {**PAIRS, **{v: k for k, v in PAIRS.items()}}.get(slug)
        counterpart = article_url("en" if lang == "ru" else "ru", other, _section(other)) if other else None
        if edited and (lang, slug) == EDITED:
            body += "\n\nДополнено: заявление о безопасности опубликовано."
        attachments = [AttachmentLink(ATTACHMENT_URL, "zayavlenie.docx")] if slug == "zayavlenie" else []
        item = article_item(
            slug,
            lang=lang,
            section=section,
            element_id=eid,
            published=published,
            title=title,
            body_text=body,
            at=clock.now,
            paired_url=counterpart,
            attachments=attachments,
        )
        items.append(item)
    return items


def _section(slug: str) -> str:
    return next(section for s, _, section, *_ in RU + EN if s == slug)


def build(path: Path) -> Path:
    """Write the archive at ``path`` (three finished runs) and return it."""
    clock = Clock()
    writer = open_writer(path, clock)
    try:
        run = writer.begin_run("full", {})
        batch = _items(clock)
        attachment = AttachmentItem(
            ATTACHMENT_URL,
            article_url("ru", "zayavlenie", "documents/statements"),
            "zayavlenie.docx",
            fetch_record(
                ATTACHMENT_URL,
                ATTACHMENT_BYTES,
                kind="attachment",
                lang="ru",
                headers={"content-type": "application/msword"},
            ),
        )
        writer.write_batch([*batch, attachment], run)
        clock.advance(seconds=RUN_SECONDS[0])
        writer.finish_run(run, "finished", RunRecord(RUN_COUNTS[0]))

        clock.advance(days=7)
        run = writer.begin_run("incremental", {})
        edited = [i for i in _items(clock, edited=True) if (i.lang, i.slug) == EDITED]  # type: ignore[attr-defined]
        writer.write_batch(edited, run)
        clock.advance(seconds=RUN_SECONDS[1])
        writer.finish_run(run, "finished", RunRecord(RUN_COUNTS[1]))

        clock.advance(days=7)
        run = writer.begin_run("incremental", {})
        lang, slug = GONE
        writer.write_batch([gone_notice(article_url(lang, slug), lang=lang, at=clock.now)], run)
        clock.advance(seconds=RUN_SECONDS[2])
        writer.finish_run(run, "finished", RunRecord(RUN_COUNTS[2]))
    finally:
        writer.close()
    return path


ATTACHMENT_TEXT = "Заявление Совета коллективной безопасности о мерах доверия"


def add_attachment_text(path: Path, text: str = ATTACHMENT_TEXT) -> bool:
    """Give the archive's attachment its extracted text, as the attachments' text feature stores it.

    Written straight into ``attachment_texts`` (filled from that table's own columns, so this does not
    depend on how the text is extracted) and its stems into ``attachment_search``, as ``csto
    attachment-text`` does; False when the archive has no such table.
    """
    with closing(sqlite3.connect(path)) as con:
        columns = con.execute("SELECT name, type, \"notnull\" FROM pragma_table_info('attachment_texts')").fetchall()
        if not columns:
            return False
        (sha256,) = con.execute("SELECT sha256 FROM attachments").fetchone()
        known = {"sha256": sha256, "status": "ok", "format": "docx", "text": text, "chars": len(text)}
        row = {}
        for name, kind, not_null in columns:
            if name in known:
                row[name] = known[name]
            elif not_null:
                row[name] = 0 if "INT" in str(kind).upper() else "2026-02-13T12:00:00+00:00"
        marks = ", ".join(f":{name}" for name in row)
        con.execute(f"INSERT INTO attachment_texts ({', '.join(row)}) VALUES ({marks})", row)  # noqa: S608
        con.execute("INSERT INTO attachment_search (sha256, body) VALUES (?, ?)", (sha256, stem_text(text)))
        con.commit()
    return True
