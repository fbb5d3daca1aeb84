"""The JSON behind "Load more" buttons, of several shapes: items, next page, has-more flags, HTML inside."""

from __future__ import annotations

import json

import pytest

from csto_crawler.discovery.loadmore import JsonListingError, read_json_listing

API = "https://h.example/api/news?lang=ru&tag=odkb&page=2"


def body(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_items_and_next_api() -> None:
    found = read_json_listing(
        body(
            {
                "page": 2,
                "has_more": True,
                "next_api": "/api/news?lang=ru&tag=odkb&page=3",
                "items": [
                    {
                        "id": "3bb2a1",
                        "url": "https://h.example/ru/news/gensek-odkb-vstretilsya-s-poslom-3bb2a1",
                        "title": "Генсек ОДКБ встретился с послом",
                        "tags": ["ОДКБ"],
                    },
                    {
                        "id": "7087b0",
                        "url": "/ru/news/gensek-odkb-vstretilsya-s-rukovoditelem-7087b0",
                        "title": "Генсек  ОДКБ\nвстретился",
                    },
                ],
            }
        ),
        API,
    )
    assert [(i.url, i.title) for i in found.items] == [
        ("https://h.example/ru/news/gensek-odkb-vstretilsya-s-poslom-3bb2a1", "Генсек ОДКБ встретился с послом"),
        ("https://h.example/ru/news/gensek-odkb-vstretilsya-s-rukovoditelem-7087b0", "Генсек ОДКБ встретился"),
    ]
    assert found.next_url == "https://h.example/api/news?lang=ru&tag=odkb&page=3"


def test_nested_items_and_links_next() -> None:
    data = {
        "data": {"articles": [{"link": "/en/news/a-b-c-d-1", "headline": "One"}, {"link": "/en/news/a-b-c-d-2"}]},
        "meta": {"tags": [{"name": "CSTO", "href": "/en/tag/csto/"}]},
        "links": {"self": API, "next": "https://h.example/api/news?page=3"},
    }
    found = read_json_listing(body(data), API)
    assert [i.url for i in found.items] == [
        "https://h.example/en/news/a-b-c-d-1",
        "https://h.example/en/news/a-b-c-d-2",
    ]
    assert found.next_url == "https://h.example/api/news?page=3"


def test_has_more_false_ends_the_walk() -> None:
    data = {"items": [{"url": "/ru/news/x-y-z-w-1"}], "has_more": False, "next_api": "/api/news?page=4"}
    assert read_json_listing(body(data), API).next_url is None


def test_has_more_without_a_next_link_adds_one_to_the_page_key() -> None:
    data = {"items": [{"url": "/ru/news/x-y-z-w-1"}], "hasMore": True}
    assert read_json_listing(body(data), API).next_url == "https://h.example/api/news?lang=ru&tag=odkb&page=3"


def test_next_page_number() -> None:
    data = {"html": '<div><a href="/ru/news/x-y-z-w-1">Title one two three</a></div>', "next_page": 3}
    found = read_json_listing(body(data), "https://h.example/ajax/?section=5&page=2")
    assert found.items == () and found.html == ('<div><a href="/ru/news/x-y-z-w-1">Title one two three</a></div>',)
    assert found.next_url == "https://h.example/ajax/?section=5&page=3"


def test_top_level_list_and_no_next() -> None:
    found = read_json_listing(body([{"permalink": "https://h.example/en/a-b-c-d/"}, {"foo": 1}]), API)
    assert [i.url for i in found.items] == ["https://h.example/en/a-b-c-d/"] and found.next_url is None


OFFSET_API = "https://h.example/api/news?offset=8&limit=8&tag=csto"


def offset_items(count: int) -> list[dict[str, str]]:
    return [{"url": f"/News/Detail?id={800 + n}", "title": f"Title {n}", "date": "11/13/2023"} for n in range(count)]


def test_an_offset_answer_without_a_next_link_moves_the_offset_past_its_items() -> None:
    found = read_json_listing(body({"items": offset_items(8), "total": 40}), OFFSET_API)
    assert found.next_url == "https://h.example/api/news?offset=16&limit=8&tag=csto"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"items": offset_items(8), "total": 16}, "the total is reached"),
        ({"items": offset_items(5)}, "fewer items than the page size"),
        ({"items": []}, "no items"),
        ({"items": offset_items(8), "has_more": False}, "the flag says so"),
    ],
)
def test_an_offset_answer_ends_the_walk(data: object, why: str) -> None:
    assert read_json_listing(body(data), OFFSET_API).next_url is None, why


def test_a_date_under_an_offset_like_key_is_no_offset() -> None:
    found = read_json_listing(body({"items": offset_items(8)}), "https://h.example/api/news?from=2023-11-13")
    assert found.next_url is None


@pytest.mark.parametrize("raw", [b"<html>502 Bad Gateway</html>", b'{"items": [', b"\xff\xfe"])
def test_not_json(raw: bytes) -> None:
    with pytest.raises(JsonListingError, match="not JSON"):
        read_json_listing(raw, API)
