"""Text of RTF files, read here: a group and control-word reader, enough for Word's and WordPad's RTF.

``\\par`` and friends break paragraphs, ``\\'hh`` bytes are decoded in the code page of the group's
font (``\\fcharset``) or the document's (``\\ansicpg``), ``\\uN`` characters drop their fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .outcome import Reading, RefusedError, TextStatus

RTF_TOKEN_RE = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|([^\\{}\r\n]+)"
)
# Groups whose text is not document text (font and colour tables, pictures, metadata, ...).
RTF_SKIP_DESTINATIONS = frozenset(
    b"fonttbl colortbl stylesheet info pict object objdata themedata datastore xmlnstbl listtable "
    b"listoverridetable rsidtbl generator latentstyles filetbl revtbl header footer headerl headerr "
    b"headerf footerl footerr footerf fldinst bkmkstart bkmkend field-instructions userprops".split()
)
RTF_BREAKS = {b"par": "\n", b"line": "\n", b"sect": "\n\n", b"page": "\n\n", b"row": "\n", b"cell": "\t", b"tab": "\t"}
RTF_CHARACTERS = {
    b"emdash": "—",
    b"endash": "–",
    b"lquote": "‘",
    b"rquote": "’",
    b"ldblquote": "“",
    b"rdblquote": "”",
    b"bullet": "•",
    b"emspace": " ",
    b"enspace": " ",
    b"qmspace": " ",
}
# \fcharsetN -> code page (the charsets met in Russian and English documents).
RTF_CHARSETS = {0: "cp1252", 204: "cp1251", 238: "cp1250", 161: "cp1253", 162: "cp1254", 186: "cp1257"}


@dataclass
class _RtfGroup:
    skip: bool = False
    uc: int = 1  # characters that follow a \uN as its fallback
    font: int | None = None


class _RtfReader:
    """A group-and-control-word reader: enough for the text of Word's and WordPad's RTF."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.pending = bytearray()  # \'hh bytes not yet decoded
        self.codepage = "cp1252"
        self.fonts: dict[int, str] = {}
        self.stack: list[_RtfGroup] = [_RtfGroup()]
        self.fallback = 0  # fallback characters still to drop after a \uN
        self.star = False  # the last token was \* (an ignorable destination follows)
        self.font_being_defined: int | None = None

    @property
    def group(self) -> _RtfGroup:
        return self.stack[-1]

    def flush_bytes(self) -> None:
        if self.pending:
            page = self.fonts.get(self.group.font, self.codepage) if self.group.font is not None else self.codepage
            self.out.append(bytes(self.pending).decode(page, "replace"))
            self.pending.clear()

    def emit(self, text: str) -> None:
        self.flush_bytes()
        if not self.group.skip:
            self.out.append(text)

    def read(self, data: bytes) -> str:
        for match in RTF_TOKEN_RE.finditer(data):
            word, arg, hexbyte, symbol, brace, text = match.groups()
            if brace is not None:
                self.brace(brace)
            elif word is not None:
                self.control(word, int(arg) if arg is not None else None)
            elif hexbyte is not None:
                self.byte(int(hexbyte, 16))
            elif symbol is not None:
                self.symbol(symbol)
            elif text is not None:
                self.plain(text)
        self.flush_bytes()
        return "".join(self.out)

    def brace(self, brace: bytes) -> None:
        self.flush_bytes()
        self.star = False
        if brace == b"{":
            self.stack.append(_RtfGroup(self.group.skip, self.group.uc, self.group.font))
        elif len(self.stack) > 1:
            self.stack.pop()

    def control(self, word: bytes, arg: int | None) -> None:
        if self.fallback:  # a control word counts as one fallback character
            self.fallback -= 1
            return
        if word == b"ansicpg" and arg:
            self.codepage = f"cp{arg}"
        elif word == b"f" and arg is not None:
            self.flush_bytes()
            self.font_being_defined = arg
            self.group.font = arg
        elif word == b"fcharset" and arg is not None and self.font_being_defined is not None:
            self.fonts[self.font_being_defined] = RTF_CHARSETS.get(arg, self.codepage)
        elif word == b"uc" and arg is not None:
            self.group.uc = arg
        elif word == b"u" and arg is not None:
            self.emit(chr(arg + 65536 if arg < 0 else arg))
            self.fallback = self.group.uc
        elif word in RTF_SKIP_DESTINATIONS or self.star:
            self.group.skip = True
        elif word in RTF_BREAKS:
            self.emit(RTF_BREAKS[word])
        elif word in RTF_CHARACTERS:
            self.emit(RTF_CHARACTERS[word])
        self.star = False

    def byte(self, value: int) -> None:
        if self.fallback:
            self.fallback -= 1
            return
        if not self.group.skip:
            self.pending.append(value)

    def symbol(self, symbol: bytes) -> None:
        if symbol == b"*":
            self.star = True
            return
        if self.fallback:
            self.fallback -= 1
            return
        if symbol in (b"\\", b"{", b"}"):
            self.emit(symbol.decode())
        elif symbol == b"~":
            self.emit(" ")
        elif symbol in (b"\n", b"\r"):
            self.emit("\n")

    def plain(self, text: bytes) -> None:
        if self.fallback:
            dropped = min(self.fallback, len(text))
            self.fallback -= dropped
            text = text[dropped:]
        if text and not self.group.skip:
            self.pending.extend(text)


def read_rtf(data: bytes) -> Reading:
    """Paragraphs of an RTF file (``\\par`` breaks; ``\\'hh`` bytes in the document's code page)."""
    try:
        text = _RtfReader().read(data)
    except LookupError as exc:  # an unknown code page
        raise RefusedError(TextStatus.CORRUPT, f"RTF code page: {exc}") from exc
    return text.split("\n"), []
