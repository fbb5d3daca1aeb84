"""Endless spaces: day archives, calendars and date filters recognised; a budget per host lets a few in."""

from __future__ import annotations

import pytest

from csto_crawler.discovery.traps import TrapBudget, trap_space


@pytest.mark.parametrize(
    ("url", "space"),
    [
        ("http://127.0.0.1:8811/ru/archive/2026-02-10/", "127.0.0.1:8811/{lang}/archive/{date}?"),
        ("http://127.0.0.1:8811/en/archive/2019-03-23/", "127.0.0.1:8811/{lang}/archive/{date}?"),
        ("https://h.example/news/2024/01/17/", "h.example/news/{date}/{date}/{date}?"),
        (
            "https://en.odkb-csto.org/news/?arrFilter_DATE=10.02.2026&set_filter=Y",
            "en.odkb-csto.org/news?arrfilter_date&set_filter",
        ),
        ("https://paodkb.org/events?month=5&year=2023&page=2", "paodkb.org/events?month&page&year"),
        ("https://h.example/calendar/?date=2024-01-02", "h.example/calendar?date"),
    ],
)
def test_trap_space(url: str, space: str) -> None:
    assert trap_space(url) == space


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8811/ru/archive/",  # today's page: one page, not the space
        "https://h.example/news/2024/01/17/csto-exercise-ends-in-belarus/",  # an article under a dated path
        "http://127.0.0.1:8811/ru/tag/odkb/?page=3",
        "https://h.example/ru/news/update-of-the-rules-12345",
    ],
)
def test_not_a_trap(url: str) -> None:
    assert trap_space(url) is None


def test_budget_per_host_over_all_its_spaces() -> None:
    budget = TrapBudget(limit=40)
    days = [f"http://127.0.0.1:8811/{lang}/archive/2026-01-{d:02d}/" for lang in ("ru", "en") for d in range(1, 32)]
    admitted = [url for url in days if budget.admit(url)]
    assert len(admitted) == 40 and budget.refused["127.0.0.1:8811/{lang}/archive/{date}?"] == 22
    assert budget.admit("http://127.0.0.1:8811/ru/news/x-y-z-w-e3a91d")  # outside every space
    assert budget.admit("https://other.example/archive/2026-01-01/")  # another host has its own budget


def test_zero_budget_walks_no_space() -> None:
    assert not TrapBudget(limit=0).admit("https://h.example/archive/2026-01-01/")
