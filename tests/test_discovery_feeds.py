"""Feeds read through feedparser: RSS 2.0 (Russian, with offsets), Atom (xml:base, paged), RSS 1.0 in
windows-1251, a truncated feed, an HTML page; hostile XML; autodiscovery of feed links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import html

from csto_crawler.discovery.feed_links import find_feed_links
from csto_crawler.discovery.feeds import FeedError, parse_feed, parse_feed_date

FEEDS = Path(__file__).resolve().parent / "fixtures" / "discovery" / "feeds"


def read(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss2_entries_keep_the_feeds_offset_and_skip_linkless_items() -> None:
    feed = parse_feed(read("rss2-ru-offsets.xml"), "https://agency.example.kz/ru/rss.xml")
    assert feed.title == "Лента новостей агентства" and feed.is_well_formed
    first, second = feed.entries  # the item without a link is no article
    assert first.url.endswith("odkb-a1b2c3?utm_source=rss")  # tracking is the canonicaliser's job
    assert first.title == "Секретарь Совета безопасности встретился с Генеральным секретарем ОДКБ"
    assert first.published_raw == "Tue, 10 Feb 2026 09:15:00 +0500"
    assert first.published_at == dt.datetime(2026, 2, 10, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert (first.author, first.categories) == ("Айгерим Сапарова", ("Политика", "ОДКБ"))
    # a permalink guid stands for the link
    assert (
        second.url == "https://agency.example.kz/ru/news/urozhay-zerna-v-kostanayskoy-oblasti-prevysil-prognoz-0f9e8d"
    )
    assert second.published_at is not None and second.published_at.utcoffset() == dt.timedelta(hours=6)


def test_a_comment_feeds_items_link_into_pages_and_are_no_articles() -> None:
    item = "<item><title>Комментарий к записи</title><link>https://v.example/2023/11/13/odkb-a-b-c/#comment-7</link></item>"
    body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Комментарии</title>{item}</channel></rss>"
    assert parse_feed(body.encode(), "https://v.example/comments/feed/").entries == ()


def test_atom_relative_links_resolve_against_xml_base_and_next_page() -> None:
    feed = parse_feed(read("atom-en-xml-base.xml"), "https://news.example.by/en/atom.xml")
    assert [entry.url for entry in feed.entries] == [
        "https://news.example.by/en/region-en/view/csto-peacekeepers-complete-exercise-15632/",
        "https://news.example.by/en/region-en/view/ice-rink-opens-in-the-district-centre-15630/",
    ]
    assert feed.next_url == "https://news.example.by/en/atom.xml?page=2"
    assert feed.entries[0].published_raw == "2024-01-02T10:00:00+03:00"
    assert feed.entries[0].updated_raw == "2024-01-03T08:30:00+03:00"
    assert feed.entries[1].published_raw is None and feed.entries[1].author is None


def test_rss1_in_windows_1251() -> None:
    feed = parse_feed(read("rss1-rdf.xml"), "http://old.example.ru/rss.rdf")
    (entry,) = feed.entries
    assert entry.title == "Учения ОДКБ «Взаимодействие» завершились"
    assert entry.url == "http://old.example.ru/news/12345.html"


def test_truncated_feed_is_read_leniently() -> None:
    feed = parse_feed(read("truncated-rss.xml"), "https://e.example/en/rss.xml")
    assert not feed.is_well_formed
    assert [e.title for e in feed.entries] == ["Tom & Jerry at the CSTO", "Second"]


@pytest.mark.parametrize("body", [read("not-a-feed.html"), b"", b"\x00\xff\xfe garbage"])
def test_not_a_feed_is_one_error(body: bytes) -> None:
    with pytest.raises(FeedError, match=r"not a feed: https://e\.example/rss"):
        parse_feed(body, "https://e.example/rss")


def test_hostile_entities_are_not_expanded_and_files_not_read() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY a{i} "{("&a;" if i == 1 else f"&a{i - 1};") * 10}">' for i in range(1, 9))
        + ']><rss version="2.0"><channel><title>&a8;</title><item><title>x</title>'
        + "<link>https://e.example/a-b-c-d</link></item></channel></rss>"
    ).encode()
    feed = parse_feed(bomb, "https://e.example/rss")
    assert len(feed.title or "") < 1000 and [e.url for e in feed.entries] == ["https://e.example/a-b-c-d"]
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
        b"<link>https://e.example/a-b-c-d</link></item></channel></rss>"
    )
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\x00"
    assert hostname not in (parse_feed(xxe, "https://e.example/rss").entries[0].title or "")


@pytest.mark.parametrize(
    ("raw", "offset_hours"),
    [
        ("Fri, 13 Feb 2026 17:01:00 +0500", 5),
        ("2021-04-23T14:05:00+06:00", 6),
        ("2023-12-28T16:00:00Z", 0),
    ],
)
def test_parse_feed_date_keeps_the_offset(raw: str, offset_hours: int) -> None:
    value = parse_feed_date(raw)
    assert value is not None and value.utcoffset() == dt.timedelta(hours=offset_hours)


@pytest.mark.parametrize("raw", [None, "", "yesterday", "2024-01-02T10:00:00"])
def test_parse_feed_date_without_an_offset_is_none(raw: str | None) -> None:
    assert parse_feed_date(raw) is None


PAGE = """<html><head>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/ru/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://h.example/ru/atom.xml">
<link rel="alternate" hreflang="en" href="https://h.example/en/">
<link rel="stylesheet" href="/rss.css">
</head><body>
<footer><a href="/ru/rss.xml">RSS</a> <a href="/ru/feed/">Лента</a> <a href="/export/news.php">RSS-лента</a>
<a href="/ru/rss-i-podpiski-na-novosti-agentstva/">Подписки</a> <a href="mailto:rss@h.example">rss</a></footer>
</body></html>"""


def test_find_feed_links_declared_first_then_linked() -> None:
    found = find_feed_links(html.fromstring(PAGE), "https://h.example/ru/news/")
    assert found == [
        "https://h.example/ru/rss.xml",
        "https://h.example/ru/atom.xml",
        "https://h.example/ru/feed/",
        "https://h.example/export/news.php",
    ]


def test_charset_from_the_header_when_the_file_declares_none() -> None:
    body = '<rss version="2.0"><channel><title>Новости</title><item><title>Саммит ОДКБ</title>'
    body += "<link>https://e.example/ru/news/sammit-odkb-v-minske-itogi-123456</link></item></channel></rss>"
    feed = parse_feed(body.encode("windows-1251"), "https://e.example/rss", "text/html; charset=windows-1251")
    assert feed.entries[0].title == "Саммит ОДКБ"
