"""Text-level boilerplate rules: what never belongs in an article body, in English and Russian.

Page objects already cut the body out of the page by its container; these rules are the second
line of defence for text that sits inside that container on some pages (or all of it when the
container is missing and extraction falls back to a wider block): back links, accessibility
panel labels, share/print links, attachment lines and the press secretary's signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .htmltext import norm_ws

# Navigation links under every detail page ("Go back / Back to the section / Back to the all news");
# /75-letie-pobedy/ pages lack the middle one, 2019 permanent_council pages lack "Go back".
BACK_LINK_LABELS = frozenset(
    {
        "go back",
        "back to the section",
        "back to the all news",
        "back to list",
        "назад",
        "вернуться в раздел",
        "вернуться ко всем новостям",
        "возврат к списку",
    }
)

# Accessibility ("version for the visually impaired") panel, en and ru.
ACCESSIBILITY_LABELS = frozenset(
    {
        "font settings",
        "font size",
        "letter spacing",
        "color scheme",
        "colors scheme",
        "version for the visually impaired",
        "настройки шрифта",
        "размер шрифта",
        "межбуквенное расстояние",
        "цветовая схема",
        "версия для слабовидящих",
    }
)

# Widget labels that stand alone on a line.
WIDGET_LABELS = frozenset({"share", "share:", "print version", "поделиться", "поделиться:", "версия для печати"})

# "10.06.2022 Download document 39357fa0b754c4c5529e0bcf4d007437.docx" (ru "Скачать документ ...").
ATTACHMENT_LINE_RE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.\d{4}\s+)?(?:Download document|Скачать документ)\b", re.I)

# The line of underscores that opens a signature block: "_____________________________________".
SIGNATURE_RULE_RE = re.compile(r"^_{5,}$")

# First line of a press-secretary signature, 2019-2022 variants and the Russian one:
# "The CSTO Press Secretary Vladimir Zaynetdinov", "CSTO spokesman Vladimir Zainetdinov",
# "Пресс-секретарь ОДКБ Владимир Зайнетдинов".
SIGNATURE_START_RE = re.compile(
    r"^(?:the\s+)?(?:csto\s+)?(?:press\s+secretary|spokesman|spokesperson)\b"
    r"|^пресс-секретарь\b|^официальный представитель\b",
    re.I,
)

# Telephone lines of a signature: "+7 495-795-27-10", "+7 (495) 621-33-23", and the 2022-2023 forms
# "+7495-795-27-10," / "+7495-621-33-23-tel/fax" / "+7495-621-33-23 - tel/fax"
# (fixture article/en-signature-press-secretary).
PHONE_LINE_RE = re.compile(
    r"^(?:тел\.?|phone:?|tel\.?)?\s*\+?\d[\d\s()\-]{8,}?[\s\-]*(?:tel/fax|тел\.?/факс)?[,;.]?$", re.I
)
# The press office e-mail closing some 2023 signatures: "odkb-pressa@gov.ru".
EMAIL_LINE_RE = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")

# A signature is short: a rule, two or three name lines and a few phones.
MAX_SIGNATURE_LINES = 8
# ... and its first line is a title and a name, not a sentence ("The CSTO Press Secretary said ...").
MAX_SIGNATURE_WORDS = 8


@dataclass
class CleanBody:
    """Body paragraphs with boilerplate removed, and the signature lines found among them."""

    paragraphs: list[str]
    signature: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def is_navigation_line(line: str) -> bool:
    """Back links, accessibility labels and widget labels standing on their own line."""
    key = norm_ws(line).casefold().rstrip(" .")
    return key in BACK_LINK_LABELS or key in ACCESSIBILITY_LABELS or key in WIDGET_LABELS or is_back_links_line(line)


def _alternation(labels: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True)))


BACK_LINKS_RE = _alternation(BACK_LINK_LABELS)
WIDGET_RE = _alternation(WIDGET_LABELS)
# What may stand between back links on one line: "Go back | Back to the section | Back to the all news".
LINK_SEPARATORS_RE = re.compile(r"[\s|/•·,;:.\-–—]*")
# Text after a widget label on its line, at most: "Share: vk tg ok", "ShareVKontakte 11Telegram 12".
WIDGET_REST_MAX = 48


def is_back_links_line(line: str) -> bool:
    """One or more back links, alone on a line, whatever joins them (separators, or nothing)."""
    key = norm_ws(line).casefold()
    rest = BACK_LINKS_RE.sub("", key)
    return rest != key and LINK_SEPARATORS_RE.fullmatch(rest) is not None


def is_widget_line(line: str) -> bool:
    """A share or print row: it starts with a widget label, and what follows is a few short
    names (networks, counters), not a sentence."""
    key = norm_ws(line).casefold()
    found = WIDGET_RE.match(key)
    if found is None:
        return False
    rest = key[found.end() :].strip()
    return len(rest) <= WIDGET_REST_MAX and not rest.endswith((".", "!", "?"))


def is_attachment_line(line: str) -> bool:
    return ATTACHMENT_LINE_RE.match(norm_ws(line)) is not None


def is_signature_line(line: str) -> bool:
    text = norm_ws(line)
    return bool(
        SIGNATURE_RULE_RE.match(text)
        or SIGNATURE_START_RE.match(text)
        or PHONE_LINE_RE.match(text)
        or EMAIL_LINE_RE.match(text)
    )


def signature_start(paragraphs: list[str]) -> int | None:
    """Index where a trailing signature block begins, or None.

    Only a block at the end of the body counts, and only if it opens with the underscore rule or a
    press-secretary line and every following line is a signature or navigation line.
    """
    tail_start = max(0, len(paragraphs) - MAX_SIGNATURE_LINES)
    for i in range(tail_start, len(paragraphs)):
        first = norm_ws(paragraphs[i])
        opens_block = SIGNATURE_RULE_RE.match(first) or _is_signature_heading(first)
        if not opens_block:
            continue
        rest = paragraphs[i + 1 :]
        if all(is_signature_line(p) or is_navigation_line(p) or _is_name_line(p) for p in rest):
            return i
    return None


def _is_signature_heading(line: str) -> bool:
    """'The CSTO Press Secretary Vladimir Zaynetdinov': a title followed by nothing but a capitalised name.

    A closing sentence that merely starts with the title ('The CSTO Press Secretary said it was
    postponed.') has lower-case words after it and stays in the body, however short it is.
    """
    m = SIGNATURE_START_RE.match(line)
    if m is None or len(line.split()) > MAX_SIGNATURE_WORDS:
        return False
    return all(word[:1].isupper() for word in line[m.end() :].split())


def _is_name_line(line: str) -> bool:
    """A short line such as 'Vladimir Zaynetdinov' that may follow a 'Press Secretary' line."""
    words = norm_ws(line).split()
    return 0 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def strip_boilerplate(paragraphs: list[str]) -> CleanBody:
    """Remove navigation, attachment lines and a trailing signature; return what is left."""
    kept: list[str] = []
    removed: list[str] = []
    for p in paragraphs:
        if is_navigation_line(p) or is_attachment_line(p):
            removed.append(p)
        else:
            kept.append(p)
    signature: list[str] = []
    start = signature_start(kept)
    if start is not None:
        block = kept[start:]
        signature = [norm_ws(x) for x in block if not SIGNATURE_RULE_RE.match(norm_ws(x))]
        removed.extend(block)
        kept = kept[:start]
    return CleanBody(kept, signature, removed)


def clean_signature(lines: list[str]) -> list[str]:
    """Signature block lines without the underscore rule and without padding."""
    out = [norm_ws(x) for x in lines]
    return [x for x in out if x and not SIGNATURE_RULE_RE.match(x)]


def drop_repeated_title(paragraphs: list[str], title: str) -> list[str]:
    """Drop a first paragraph that only repeats the title (optionally followed by its date)."""
    if not paragraphs or not title:
        return paragraphs
    first = norm_ws(paragraphs[0])
    head = re.sub(r"\s*\d{1,2}\.\d{1,2}\.\d{4}$", "", first)
    return paragraphs[1:] if head == norm_ws(title) else paragraphs
