"""Where a source's language lives (a host or a path prefix), and which language a URL names when
the source declares none: ``/ru/…``, ``/en/…``, ``en.host``, ``eng.host``.

An explicit table, not a guess: a first path segment or a first host label is a language only
when it is one of these spellings. Left out on purpose: ``id``, ``it``, ``am``, ``my``, ``no``,
``to``, ``is``, ``as``, ``at``, ``in``, ``on``, ``us``, ``tv``, ``m``, ``www``: real two-letter
language codes that news sites more often use for something else (``/id/123``, ``/tv/``, ``m.host``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

# Spelling in a URL -> ISO 639-1 code. The region's languages first (members and observers of the
# CSTO, their neighbours), then the languages international outlets publish in.
LANGUAGE_SPELLINGS: dict[str, str] = {
    "ru": "ru", "rus": "ru",
    "en": "en", "eng": "en",
    "kk": "kk", "kz": "kk", "kaz": "kk", "qaz": "kk",  # Kazinform writes /kz/
    "be": "be", "bel": "be", "blr": "be",  # BelTA's Belarusian site is blr.belta.by
    "hy": "hy", "arm": "hy",
    "ky": "ky", "kg": "ky", "kir": "ky",
    "tg": "tg", "tj": "tg", "taj": "tg",
    "uz": "uz", "uzb": "uz",
    "az": "az", "aze": "az",
    "ka": "ka", "ge": "ka",
    "uk": "uk", "ua": "uk", "ukr": "uk",
    "tk": "tk", "mn": "mn", "tt": "tt", "ro": "ro", "mo": "ro",
    "zh": "zh", "cn": "zh", "chn": "zh",
    "de": "de", "fr": "fr", "es": "es", "esp": "es", "pt": "pt", "pl": "pl", "cs": "cs", "sk": "sk",
    "sr": "sr", "bg": "bg", "hu": "hu", "fi": "fi", "sv": "sv", "da": "da", "nl": "nl", "el": "el",
    "lt": "lt", "lv": "lv", "et": "et", "tr": "tr", "fa": "fa", "ar": "ar", "ur": "ur", "hi": "hi",
    "ja": "ja", "jp": "ja", "ko": "ko", "kr": "ko", "vi": "vi", "th": "th", "he": "he",
}  # fmt: skip


Address = tuple[str, int | None]  # (host without www., explicit non-default port)


def address_of(url: str) -> Address | None:
    """Host (lower case, no ``www.``) and port (None for 80/443) of an http(s) URL, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.hostname.lower().removeprefix("www."), None if port in (None, 80, 443) else port


@dataclass(frozen=True)
class Language:
    """One language of a source: where its pages live, and mirror bases that serve the same paths."""

    code: str  # ISO 639-1 ("ru", "en", "kk"): the lang of the source's articles in every export
    base: str  # scheme://host[:port]/prefix/ (always ends with "/")
    aliases: tuple[str, ...] = ()  # mirrors: osipovichi.mogilev-region.by for osipovichi.gov.by

    @functools.cached_property
    def prefix(self) -> str:
        return urlsplit(self.base).path

    def matches(self, url: str) -> int:
        """Length of the base (or alias) prefix the URL lies under; 0 when it is not this language's."""
        address, path = address_of(url), urlsplit(url).path or "/"
        best = 0
        for base in (self.base, *self.aliases):
            prefix = urlsplit(base).path
            if address == address_of(base) and (path + "/").startswith(prefix):
                best = max(best, len(prefix))
        return best


def language_code(spelling: str) -> str | None:
    """The ISO 639-1 code of a URL's spelling of a language, or None."""
    return LANGUAGE_SPELLINGS.get(spelling.lower())


def language_from_url(url: str) -> Language | None:
    """The language a URL names by its first path segment (``/ru/``), else its first host label
    (``en.odkb-csto.org``, ``eng.belta.by``), as a Language whose base is that prefix or host."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc.lower()}"
    first = next((s for s in parts.path.split("/") if s), "")
    code = language_code(first)
    if code is not None:
        return Language(code, f"{origin}/{first}/")
    label = (parts.hostname or "").split(".", 1)[0]
    code = language_code(label) if (parts.hostname or "").count(".") >= 2 else None
    return Language(code, f"{origin}/") if code is not None else None
