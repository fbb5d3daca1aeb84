"""``csto crawl -s NAME=VALUE`` and ``--site LANG=URL`` checked before anything runs.

Scrapy accepts any name and reads a value only when a component asks for it: a misspelt name is
silently ignored, and ``-s CSTO_MAX_FAILURE_RATIO=lots`` would fail after the whole crawl. Here
every override is checked up front, with the conventions of docs/settings.md (lists
comma-separated, dicts JSON, booleans 0/1/True/False as Scrapy's ``getbool`` reads them):

- a ``CSTO_*`` name must be defined in csto_crawler/settings.py; its value must parse as the type
  of its default there (bool, int, float, list, dict; strings take anything);
- any other name must be a Scrapy setting (``scrapy.settings.default_settings``) or one
  csto_crawler/settings.py sets; Scrapy's numeric and boolean settings are checked as numbers and
  booleans, dict settings as JSON objects, ``LOG_LEVEL`` against the level names.

Every problem is a SettingError with one line naming the setting and, for a misspelt name, the
closest real one ("did you mean CSTO_RECHECK_DAYS?").
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from scrapy.settings import default_settings

from . import settings as project_settings
from .urls import Sites

BOOL_WORDS = ("True", "False", "true", "false")
# Integer settings reach SQL (days, pages, sizes): SQLite holds integers up to 2**63 - 1.
INTEGER_MAX = 2**63 - 1
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Scrapy settings read with getint/getfloat whose default's type does not tell (DOWNLOAD_TIMEOUT
# is 180 but 7.5 works), and the least value that makes sense.
SCRAPY_INTS = {
    "CONCURRENT_REQUESTS": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "CONCURRENT_ITEMS": 1,
    "RETRY_TIMES": 0,
    "REDIRECT_MAX_TIMES": 0,
    "DOWNLOAD_MAXSIZE": 0,
    "DOWNLOAD_WARNSIZE": 0,
    "DEPTH_LIMIT": 0,
    "CLOSESPIDER_ITEMCOUNT": 0,
    "CLOSESPIDER_PAGECOUNT": 0,
    "CLOSESPIDER_ERRORCOUNT": 0,
}
SCRAPY_FLOATS = {
    "DOWNLOAD_DELAY": 0.0,
    "DOWNLOAD_DELAY_JITTER": 0.0,
    "DOWNLOAD_TIMEOUT": 0.0,
    "AUTOTHROTTLE_START_DELAY": 0.0,
    "AUTOTHROTTLE_MAX_DELAY": 0.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 0.0,
    "CLOSESPIDER_TIMEOUT": 0.0,
}
# Set by ``csto crawl`` itself from its options: an override would bypass the archive checks and lock.
CLI_ONLY = {
    "CSTO_ARCHIVE_PATH": "use --archive PATH",
    "CSTO_RUN_ARGUMENTS": "csto crawl records it itself",
}

# CSTO_* settings earlier versions had (named without the prefix: docs/settings.md describes
# only the settings there are): an old script gets told, not "did you mean".
REMOVED = {
    "WORKER_PROCESSES": "removed, pages are read and archived in the crawl's own process; drop it",
    "GC_THRESHOLD": "removed; drop it",
}


class SettingError(ValueError):
    """A ``-s`` override or ``--site`` that cannot work; the message is one line naming it."""


def _names(module: Any) -> dict[str, Any]:
    return {name: getattr(module, name) for name in dir(module) if name.isupper() and not name.startswith("_")}


PROJECT = _names(project_settings)
SCRAPY = _names(default_settings)
CSTO_NAMES = sorted(name for name in PROJECT if name.startswith("CSTO_"))
KNOWN_NAMES = sorted(set(PROJECT) | set(SCRAPY))


def check_overrides(overrides: Mapping[str, str]) -> None:
    """Raise SettingError for the first ``-s NAME=VALUE`` with an unknown name or a bad value."""
    for name, value in overrides.items():
        check_name(name)
        check_value(name, value)


def check_name(name: str) -> None:
    if name in CLI_ONLY:
        raise SettingError(f"-s {name}: set by csto crawl, {CLI_ONLY[name]}")
    if name.startswith("CSTO_") and name.removeprefix("CSTO_") in REMOVED:
        raise SettingError(f"-s {name}: {REMOVED[name.removeprefix('CSTO_')]}")
    if name.upper().startswith("CSTO_"):
        if name not in CSTO_NAMES:
            raise SettingError(f"-s {name}: no such csto setting{_did_you_mean(name, CSTO_NAMES)}")
        return
    if name not in KNOWN_NAMES:
        raise SettingError(f"-s {name}: not a Scrapy or csto setting{_did_you_mean(name, KNOWN_NAMES)}")


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    candidates = list(candidates)
    if name.upper() in candidates:
        return f"; did you mean {name.upper()}? (setting names are upper case)"
    close = difflib.get_close_matches(name.upper(), candidates, n=1)
    return f"; did you mean {close[0]}?" if close else "; see docs/settings.md"


def check_value(name: str, value: str) -> None:
    """Raise SettingError unless ``value`` reads as the setting's type (see the module docstring)."""
    if name == "LOG_LEVEL":
        if value not in LOG_LEVELS:
            raise SettingError(f"-s LOG_LEVEL={value}: expected one of {', '.join(LOG_LEVELS)}")
        return
    kind, minimum = setting_kind(name)
    if kind is bool:
        if not _is_bool(value):
            raise SettingError(f"-s {name}={value}: expected a boolean, 1/0 or True/False")
    elif kind is int or kind is float:
        _check_number(name, value, kind, minimum)
    elif kind is dict:
        _check_dict(name, value)
    elif kind is list and value.lstrip().startswith("["):
        raise SettingError(f"-s {name}={value}: lists are comma-separated, e.g. {name}={_list_example(name)}")


def setting_kind(name: str) -> tuple[type | None, float | None]:
    """(type its value must have, least value for numbers); None when anything goes."""
    if name in SCRAPY_INTS:
        return int, SCRAPY_INTS[name]
    if name in SCRAPY_FLOATS:
        return float, SCRAPY_FLOATS[name]
    if name.startswith("CSTO_"):
        default = PROJECT[name]
        # Ours are all counts, sizes, seconds or shares: never negative.
        return (type(default), 0.0) if isinstance(default, bool | int | float | list | dict) else (None, None)
    # Others take the type of Scrapy's default or ours (TELNETCONSOLE_ENABLED is 1 in Scrapy, False here).
    defaults = [d for d in (PROJECT.get(name), SCRAPY.get(name)) if d is not None]
    for kind in (bool, dict, list):
        if any(isinstance(d, kind) for d in defaults):
            return kind, None
    if any(isinstance(d, int | float) for d in defaults):
        return float, None  # read with getint or getfloat, any sign (DEPTH_PRIORITY=-1)
    return None, None


def _is_bool(value: str) -> bool:
    """What Scrapy's ``getbool`` accepts: an integer, or True/true/False/false."""
    try:
        int(value)
    except ValueError:
        return value in BOOL_WORDS
    return True


def _check_number(name: str, value: str, kind: type, minimum: float | None) -> None:
    what = "an integer" if kind is int else "a number"
    try:
        number = int(value) if kind is int else float(value)
    except ValueError:
        raise SettingError(f"-s {name}={value}: expected {what}, e.g. {name}={_example(name)}") from None
    if not math.isfinite(number):
        raise SettingError(f"-s {name}={value}: expected a finite number")
    if minimum is not None and number < minimum:
        raise SettingError(f"-s {name}={value}: must be at least {minimum:g}")
    if kind is int and abs(number) > INTEGER_MAX:
        raise SettingError(f"-s {name}={value}: must be at most {INTEGER_MAX} (SQLite's largest integer)")


def _check_dict(name: str, value: str) -> None:
    try:
        loaded = json.loads(value)
    except ValueError:
        loaded = None
    if not isinstance(loaded, dict):
        example = '{"en": "http://127.0.0.1:8801"}' if name == "CSTO_SITES" else '{"key": "value"}'
        raise SettingError(f"-s {name}={value}: expected a JSON object, e.g. {name}='{example}'")


def _example(name: str) -> str:
    default = PROJECT.get(name, SCRAPY.get(name))
    return str(default) if isinstance(default, int | float) and not isinstance(default, bool) else "1"


def _list_example(name: str) -> str:
    default = PROJECT.get(name, SCRAPY.get(name))
    return ",".join(map(str, default[:2])) if isinstance(default, list) and default else "a,b"


def check_sites(sites: Mapping[str, str], overrides: Mapping[str, str]) -> None:
    """Raise SettingError for a ``--site LANG=URL`` whose language is not one of the sites.

    The languages are the keys of CSTO_SITES (``-s CSTO_SITES`` replaces them); ``--site`` only
    points one of them elsewhere, it cannot add a language.
    """
    if sites and "CSTO_SITES" in overrides:
        raise SettingError(
            "--site and -s CSTO_SITES together: -s CSTO_SITES replaces every site, give one or the other"
        )
    languages = list(PROJECT["CSTO_SITES"])
    for lang, base in sites.items():
        if lang not in languages:
            raise SettingError(
                f"--site {lang}={base}: no site for language {lang!r} (the languages are {', '.join(languages)})"
            )
    replaced = json.loads(overrides.get("CSTO_SITES", "{}"))  # a JSON object: check_overrides saw to it
    try:  # a malformed base URL (127.0.0.1:8801 without http://) is a bad argument, refused here
        Sites({**PROJECT["CSTO_SITES"], **sites, **(replaced if isinstance(replaced, dict) else {})})
    except (ValueError, TypeError) as exc:
        raise SettingError(f"--site: {exc}" if sites else f"-s CSTO_SITES: {exc}") from exc
