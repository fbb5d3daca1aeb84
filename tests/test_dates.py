"""Site date formats, plausibility, choice of the published date and splitting dates off text lines."""

from __future__ import annotations

import datetime as dt

import pytest

from csto_crawler.dates import (
    DATE_FORMATS,
    EARLIEST_DATE,
    DateParseError,
    ImplausibleDateError,
    SiteDate,
    check_plausible,
    choose_published,
    find_date_in_text,
    parse_site_date,
    site_timezone,
    split_leading_date,
    split_trailing_date,
    to_utc_iso,
)

MOSCOW = site_timezone()
FETCHED_AT = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)  # injected: no test reads the real clock

# One real example per entry of DATE_FORMATS, and what it must mean.
FORMAT_EXAMPLES = [
    ("dd.mm.yyyy", "05.08.2020", dt.date(2020, 8, 5)),  # 5 August, never May 8
    ("dd.mm.yyyy", "14.09.2022", dt.date(2022, 9, 14)),
    ("dd.mm.yyyy HH:MM", "14.09.2022 12:30", dt.datetime(2022, 9, 14, 12, 30, tzinfo=MOSCOW)),
    ("MM/DD/YYYY HH:MM:SS", "05/08/2020 08:00:00", dt.datetime(2020, 5, 8, 8, 0, tzinfo=MOSCOW)),  # 8 May
    ("MM/DD/YYYY HH:MM:SS", "12/11/2024 13:48:46", dt.datetime(2024, 12, 11, 13, 48, 46, tzinfo=MOSCOW)),
    ("MM/DD/YYYY HH:MM:SS", "05/08/2020", dt.date(2020, 5, 8)),
    ("iso", "2026-02-13T00:00:00+03:00", dt.datetime(2026, 2, 13, tzinfo=dt.timezone(dt.timedelta(hours=3)))),
    ("iso", "2022-09-14", dt.date(2022, 9, 14)),
    ("iso", "2022-09-14T10:00:00Z", dt.datetime(2022, 9, 14, 10, tzinfo=dt.UTC)),
    ("iso", "2022-09-14 10:00", dt.datetime(2022, 9, 14, 10, tzinfo=MOSCOW)),  # no offset: site time
    ("d month yyyy (en)", "13 November 2023", dt.date(2023, 11, 13)),
    ("month d, yyyy (en)", "November 13, 2023", dt.date(2023, 11, 13)),
    ("d месяца yyyy (ru)", "13 декабря 2023 года", dt.date(2023, 12, 13)),
    ("d месяца yyyy (ru)", "1 мая 2021 г.", dt.date(2021, 5, 1)),
    ("d месяца yyyy (ru)", "13 снежня 2023", dt.date(2023, 12, 13)),  # Belarusian (tests/joomla_site.py)
    ("d месяца yyyy (ru)", "2 кастрычніка 2023 года", dt.date(2023, 10, 2)),
    ("d месяца yyyy HH:MM (ru, be)", "13 снежня 2023 10:15", dt.datetime(2023, 12, 13, 10, 15, tzinfo=MOSCOW)),
    ("d месяца yyyy HH:MM (ru, be)", "13 декабря 2023 г., 10:15", dt.datetime(2023, 12, 13, 10, 15, tzinfo=MOSCOW)),
]


def site_date(raw: str) -> SiteDate:
    return parse_site_date(raw)


@pytest.mark.parametrize(("name", "raw", "value"), FORMAT_EXAMPLES, ids=[e[1] for e in FORMAT_EXAMPLES])
def test_parse_site_date_formats(name: str, raw: str, value: dt.date) -> None:
    parsed = parse_site_date(raw)
    assert (parsed.format, parsed.value, parsed.raw) == (name, value, raw)
    assert type(parsed.value) is type(value)  # a date-only value stays a date


def test_parse_site_date_every_format_has_an_example() -> None:
    assert {name for name, _, _ in DATE_FORMATS} == {name for name, _, _ in FORMAT_EXAMPLES}


def test_parse_site_date_mdy_time_carries_moscow_offset() -> None:
    parsed = parse_site_date("05/08/2020 08:00:00")
    assert parsed.iso() == "2020-05-08T08:00:00+03:00"
    assert parsed.has_time and parsed.day == dt.date(2020, 5, 8)


def test_parse_site_date_uses_the_historical_moscow_offset() -> None:
    """Moscow was UTC+4 from 2011 to 2014; a 2012 listing time keeps the offset of its day."""
    assert parse_site_date("12/26/2012 17:23:38").iso() == "2012-12-26T17:23:38+04:00"


def test_parse_site_date_date_only_iso_has_no_time() -> None:
    parsed = parse_site_date("14.09.2022")
    assert parsed.iso() == "2022-09-14" and not parsed.has_time


def test_parse_site_date_normalises_whitespace() -> None:
    assert parse_site_date(" 05/08/2020\u00a0 08:00:00 ").value == dt.datetime(2020, 5, 8, 8, tzinfo=MOSCOW)


@pytest.mark.parametrize("raw", ["31.02.2020", "29.02.2021", "13/01/2020 10:00:00", "2020-13-01", "31 June 2020"])
def test_parse_site_date_impossible_dates_raise(raw: str) -> None:
    with pytest.raises(DateParseError, match="impossible"):
        parse_site_date(raw)


@pytest.mark.parametrize("raw", ["", "yesterday", "14.09.22", "2022-9-14", "14.09.2022 Download document", "Мая 2020"])
def test_parse_site_date_unknown_formats_raise(raw: str) -> None:
    with pytest.raises(DateParseError, match="unknown"):
        parse_site_date(raw)


def test_check_plausible_accepts_treaty_day_and_fetch_day_plus_one() -> None:
    assert check_plausible(site_date("15.05.1992"), FETCHED_AT).day == EARLIEST_DATE
    assert check_plausible(site_date("14.02.2026"), FETCHED_AT).day == dt.date(2026, 2, 14)


@pytest.mark.parametrize("raw", ["01.01.1990", "14.05.1992", "15.02.2026", "01.01.2099"])
def test_check_plausible_rejects_before_treaty_and_future(raw: str) -> None:
    with pytest.raises(ImplausibleDateError):
        check_plausible(site_date(raw), FETCHED_AT)


def test_check_plausible_future_is_relative_to_the_injected_fetch_time() -> None:
    earlier_fetch = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ImplausibleDateError):
        check_plausible(site_date("14.09.2022"), earlier_fetch)


def test_choose_published_prefers_the_first_candidate() -> None:
    chosen = choose_published([("14.09.2022", "detail"), ("14.09.2022", "listing")], FETCHED_AT)
    assert (chosen.value, chosen.source, chosen.flags) == (site_date("14.09.2022"), "detail", ())


def test_choose_published_keeps_the_listing_time_on_the_same_day() -> None:
    chosen = choose_published([("08.05.2020", "detail"), ("05/08/2020 08:00:00", "listing")], FETCHED_AT)
    assert chosen.value is not None
    assert (chosen.value.iso(), chosen.source, chosen.flags) == ("2020-05-08T08:00:00+03:00", "listing", ())


def test_choose_published_flags_a_listing_date_on_another_day() -> None:
    """'05/08/2020' read day-first would be 5 August: a different day is flagged, not adopted."""
    chosen = choose_published([("08.05.2020", "detail"), ("08/05/2020 08:00:00", "listing")], FETCHED_AT)
    assert chosen.value is not None and chosen.value.iso() == "2020-05-08"
    assert chosen.source == "detail"
    assert len(chosen.flags) == 1 and "listing" in chosen.flags[0] and "differs" in chosen.flags[0]


def test_choose_published_flags_and_skips_unparseable() -> None:
    chosen = choose_published([("soon", "detail"), ("14.09.2022", "listing")], FETCHED_AT)
    assert chosen.value == site_date("14.09.2022") and chosen.source == "listing"
    assert len(chosen.flags) == 1 and chosen.flags[0].startswith("detail:") and "soon" in chosen.flags[0]


def test_choose_published_flags_and_skips_implausible() -> None:
    chosen = choose_published([("01.01.1990", "detail"), ("14.09.2022", "attachments")], FETCHED_AT)
    assert chosen.value == site_date("14.09.2022") and chosen.source == "attachments"
    assert len(chosen.flags) == 1 and chosen.flags[0].startswith("detail:") and "1990" in chosen.flags[0]


def test_choose_published_none_when_nothing_usable() -> None:
    chosen = choose_published([("31.02.2020", "detail"), ("01.01.2099", "listing")], FETCHED_AT)
    assert (chosen.value, chosen.source, len(chosen.flags)) == (None, None, 2)
    assert choose_published([], FETCHED_AT).flags == ()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "The CSTO Secretary General met the SCO Secretary General 18.05.2022",
            ("The CSTO Secretary General met the SCO Secretary General", "18.05.2022"),
        ),
        ("Заседание Совета 1.2.2021  ", ("Заседание Совета", "1.2.2021")),
        ("Meeting on 18.05.2022 in Minsk", ("Meeting on 18.05.2022 in Minsk", None)),
        ("No date here", ("No date here", None)),
    ],
)
def test_split_trailing_date(line: str, expected: tuple[str, str | None]) -> None:
    assert split_trailing_date(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21.05.2020On May 26, 2020, the meeting", ("On May 26, 2020, the meeting", "21.05.2020")),
        (" 30.05.2021 Учение завершено", ("Учение завершено", "30.05.2021")),
        ("On 21.05.2020 the Council met", ("On 21.05.2020 the Council met", None)),
    ],
)
def test_split_leading_date(text: str, expected: tuple[str, str | None]) -> None:
    assert split_leading_date(text) == expected


def test_to_utc_iso_converts_site_time_and_rejects_naive() -> None:
    assert to_utc_iso(dt.datetime(2020, 5, 8, 8, 0, tzinfo=MOSCOW)) == "2020-05-08T05:00:00+00:00"
    with pytest.raises(ValueError, match="naive"):
        to_utc_iso(dt.datetime(2020, 5, 8, 8, 0))  # noqa: DTZ001 - the naive value is the point


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Published: 14.09.2022", "14.09.2022"),
        ("14.09.2022 12:30 | Press service", "14.09.2022 12:30"),
        ("By Jane Doe · 7 April 2021 · 12 min read", "7 April 2021"),
        ("November 20, 2019 - 11:28 AMT", "November 20, 2019"),
        ("Дата публикации: 13 декабря 2023 года", "13 декабря 2023 года"),
        ("Апублікавана: 13 снежня 2023 10:15", "13 снежня 2023 10:15"),  # the longest reading, with its time
        ("Views: 845", None),
        ("31.02.2020", None),
    ],
)
def test_find_date_in_text(text: str, found: str | None) -> None:
    assert find_date_in_text(text) == found
