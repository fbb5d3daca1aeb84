"""Site date strings -> calendar dates or site-time datetimes, from an explicit table of formats.

No guessing parser: ``05.08.2020`` is 5 August (the site's dd.mm.yyyy), while the English
Bitrix lists write ``05/08/2020 08:00:00`` for 8 May. A date-only value stays a ``date``; only
values that carry a time become aware datetimes in the site's timezone (Europe/Moscow).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SITE_TIMEZONE = "Europe/Moscow"

# The Collective Security Treaty was signed on 15 May 1992: nothing on the site is older.
EARLIEST_DATE = dt.date(1992, 5, 15)

MONTHS_EN = {
    m: i + 1
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
# Genitive month names as they appear in "13 декабря 2023 года".
MONTHS_RU_GENITIVE = {
    m: i + 1
    for i, m in enumerate(
        (
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        )
    )
}


# Belarusian genitive month names, as in "13 снежня 2023" (district sites' /be/ pages, tests/joomla_site.py).
MONTHS_BE_GENITIVE = {
    m: i + 1
    for i, m in enumerate(
        [
            "студзеня",
            "лютага",
            "сакавіка",
            "красавіка",
            "мая",
            "чэрвеня",
            "ліпеня",
            "жніўня",
            "верасня",
            "кастрычніка",
            "лістапада",
            "снежня",
        ]
    )
}
# Month names of dates written out in words on Russian and Belarusian pages ("мая" is both).
MONTHS_GENITIVE = {**MONTHS_RU_GENITIVE, **MONTHS_BE_GENITIVE}


class DateParseError(ValueError):
    """A string that matches none of the known site date formats."""


class ImplausibleDateError(ValueError):
    """A parsed date outside [EARLIEST_DATE, fetch time + 1 day]."""


@dataclass(frozen=True)
class SiteDate:
    """A parsed site date: the value (date, or aware datetime), the raw string and its format name."""

    value: dt.date | dt.datetime
    raw: str
    format: str

    @property
    def day(self) -> dt.date:
        return self.value.date() if isinstance(self.value, dt.datetime) else self.value

    @property
    def has_time(self) -> bool:
        return isinstance(self.value, dt.datetime)

    def iso(self) -> str:
        """``2022-09-14`` for a date; ``2020-05-08T08:00:00+03:00`` for a datetime."""
        return self.value.isoformat()


_Builder = Callable[["re.Match[str]", ZoneInfo], "dt.date | dt.datetime"]


def _dmy(m: re.Match[str], tz: ZoneInfo) -> dt.date:
    return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))


def _dmy_time(m: re.Match[str], tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]), tzinfo=tz)


def _mdy_time(m: re.Match[str], tz: ZoneInfo) -> dt.date | dt.datetime:
    day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    if m["H"] is None:
        return day
    return dt.datetime(day.year, day.month, day.day, int(m["H"]), int(m["M"]), int(m["S"] or 0), tzinfo=tz)


def _d_month_en(m: re.Match[str], tz: ZoneInfo) -> dt.date:
    return dt.date(int(m["y"]), MONTHS_EN[m["mon"].lower().rstrip(".")[:3]], int(m["d"]))


def _d_month_ru(m: re.Match[str], tz: ZoneInfo) -> dt.date:
    return dt.date(int(m["y"]), MONTHS_GENITIVE[m["mon"].lower()], int(m["d"]))


def _d_month_ru_time(m: re.Match[str], tz: ZoneInfo) -> dt.datetime:
    day = _d_month_ru(m, tz)
    return dt.datetime(day.year, day.month, day.day, int(m["H"]), int(m["M"]), tzinfo=tz)


def _iso(m: re.Match[str], tz: ZoneInfo) -> dt.date | dt.datetime:
    if m["H"] is None:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    value = dt.datetime.fromisoformat(m.group(0).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=tz)


# Full names, then the abbreviations news sites print ("Nov 20, 2019", "Sept. 3, 2021").
MONTHS_EN.update({name[:3]: number for name, number in list(MONTHS_EN.items())})
_EN_MONTH = "|".join(sorted(MONTHS_EN, key=len, reverse=True)) + r"|sept"
_EN_MONTH = rf"(?:{_EN_MONTH})\.?"
_RU_MONTH = "|".join(MONTHS_GENITIVE)

# (name, pattern, builder). Each pattern has one real example from the site beside it.
DATE_FORMATS: list[tuple[str, re.Pattern[str], _Builder]] = [
    # 14.09.2022 (detail pages, sidebars, most listings, attachment lines)
    ("dd.mm.yyyy", re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"), _dmy),
    # 14.09.2022 12:30 (government-site Bitrix listings and detail pages that show the time)
    (
        "dd.mm.yyyy HH:MM",
        re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}),?\s+(?P<H>\d{1,2}):(?P<M>\d{2})"),
        _dmy_time,
    ),
    # 05/08/2020 08:00:00 (Bitrix English default on en /authorized_organs/ lists: month first)
    (
        "MM/DD/YYYY HH:MM:SS",
        re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"),
        _mdy_time,
    ),
    # 2026-02-13T00:00:00+03:00 (sitemap <lastmod>, W3C datetime) and 2022-09-14
    (
        "iso",
        re.compile(
            r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
            r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
        ),
        _iso,
    ),
    # 13 November 2023, 7 Nov. 2021
    (
        "d month yyyy (en)",
        re.compile(rf"(?P<d>\d{{1,2}})\s+(?P<mon>{_EN_MONTH})\s+(?P<y>\d{{4}})", re.I),
        _d_month_en,
    ),
    # November 13, 2023, Nov 20, 2019
    (
        "month d, yyyy (en)",
        re.compile(rf"(?P<mon>{_EN_MONTH})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})", re.I),
        _d_month_en,
    ),
    # 13 декабря 2023 года
    (
        "d месяца yyyy (ru)",
        re.compile(rf"(?P<d>\d{{1,2}})\s+(?P<mon>{_RU_MONTH})\s+(?P<y>\d{{4}})(?:\s*(?:года|г\.))?", re.I),
        _d_month_ru,
    ),
    # 13 декабря 2023 г., 10:15 and the Belarusian 13 снежня 2023 10:15 (district sites' articles)
    (
        "d месяца yyyy HH:MM (ru, be)",
        re.compile(
            rf"(?P<d>\d{{1,2}})\s+(?P<mon>{_RU_MONTH})\s+(?P<y>\d{{4}})(?:\s*(?:года|г\.))?,?\s+(?P<H>\d{{1,2}}):(?P<M>\d{{2}})",
            re.I,
        ),
        _d_month_ru_time,
    ),
]

# A dd.mm.yyyy date at the end of a line ("Title 14.09.2022") or glued to the first words of a
# body ("21.05.2020On May 26, ..."): the two places the site puts a detail date inside text.
TRAILING_DATE_RE = re.compile(r"\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*$")  # "... on September 15 14.09.2022"
LEADING_DATE_RE = re.compile(r"^\s*(\d{1,2}\.\d{1,2}\.\d{4})")  # "21.05.2020On May 26, 2020, ..."


def site_timezone(name: str = SITE_TIMEZONE) -> ZoneInfo:
    return ZoneInfo(name)


def parse_site_date(raw: str, tz: ZoneInfo | None = None) -> SiteDate:
    """Parse a whole string in one of DATE_FORMATS; raises DateParseError (also for 31.02.2020)."""
    text = " ".join(raw.split())
    zone = tz or site_timezone()
    for name, pattern, build in DATE_FORMATS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        try:
            return SiteDate(build(m, zone), raw, name)
        except ValueError as exc:  # e.g. day 31 in a 30-day month, or month 13
            raise DateParseError(f"impossible date {raw!r}: {exc}") from exc
    raise DateParseError(f"unknown date format: {raw!r}")


def find_date_in_text(text: str) -> str | None:
    """The first date in a line of text, in one of DATE_FORMATS ("Published 18 November 2019 |
    By ..." -> "18 November 2019"); the longest reading at that place ("14.09.2022 12:30")."""
    found: list[tuple[int, int, str]] = []
    for _, pattern, _build in DATE_FORMATS:
        m = pattern.search(text)
        if m is not None:
            found.append((m.start(), -len(m.group(0)), m.group(0)))
    for _start, _length, raw in sorted(found):
        try:
            parse_site_date(raw)
        except DateParseError:
            continue
        return raw
    return None


def check_plausible(value: SiteDate, fetched_at: dt.datetime, earliest: dt.date = EARLIEST_DATE) -> SiteDate:
    """Reject dates before the Treaty or after the fetch (plus one day of timezone slack)."""
    latest = (fetched_at + dt.timedelta(days=1)).date()
    if not earliest <= value.day <= latest:
        raise ImplausibleDateError(f"{value.raw!r} ({value.day}) is outside [{earliest}, {latest}]")
    return value


@functools.lru_cache(maxsize=4096)  # the readers ask again for the same lines (anchored.find_title)
def split_trailing_date(line: str) -> tuple[str, str | None]:
    """'Title 14.09.2022' -> ('Title', '14.09.2022'); a line without a trailing date is returned as is."""
    if not line.rstrip()[-1:].isdigit():  # no digit at the end: the search would try every position
        return line, None
    m = TRAILING_DATE_RE.search(line)
    if m is None:
        return line, None
    return line[: m.start()].rstrip(), m.group(1)


def split_leading_date(text: str) -> tuple[str, str | None]:
    """'21.05.2020On May 26' -> ('On May 26', '21.05.2020')."""
    m = LEADING_DATE_RE.match(text)
    if m is None:
        return text, None
    return text[m.end() :].lstrip(), m.group(1)


def to_utc_iso(value: dt.datetime) -> str:
    """Aware datetime -> ISO 8601 in UTC (the archive's ``*_at`` columns)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: archive times must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat()


def utc_now() -> dt.datetime:
    """The default clock; components take a ``clock`` argument so tests can pin time."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ChosenDate:
    """The published date picked from a page's candidates, and what was wrong with the others."""

    value: SiteDate | None
    source: str | None
    flags: tuple[str, ...]


def choose_published(
    candidates: list[tuple[str, str]], fetched_at: dt.datetime, tz: ZoneInfo | None = None
) -> ChosenDate:
    """Pick the published date from (raw, source) candidates given best first.

    Unparseable and implausible candidates are skipped and flagged, never stored. When the best
    candidate is a bare date and a later one has a time on the same day (the English organs
    lists show ``MM/DD/YYYY HH:MM:SS``), the time is kept.
    """
    valid: list[tuple[SiteDate, str]] = []
    flags: list[str] = []
    for raw, source in candidates:
        try:
            valid.append((check_plausible(parse_site_date(raw, tz), fetched_at), source))
        except (DateParseError, ImplausibleDateError) as exc:
            flags.append(f"{source}: {exc}")
    if not valid:
        return ChosenDate(None, None, tuple(flags))
    best, source = valid[0]
    for other, other_source in valid[1:]:
        if other.day != best.day:
            flags.append(f"{other_source} date {other.raw!r} differs from {source} date {best.raw!r}")
        elif other.has_time and not best.has_time:
            best, source = other, other_source
    return ChosenDate(best, source, tuple(flags))
