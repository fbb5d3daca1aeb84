"""Zip packages (Word, Excel, OpenDocument) made safe to hand to their libraries.

A package's headers may lie: a member that says 1 KB may inflate to 2 GB, and Python's zipfile,
asked for a whole member (as python-docx and openpyxl ask), inflates up to 2 GB in one step before
it compares. So each XML member is read here in ``CHUNK`` steps, counted as it streams (the count,
never the header, is held against ``max_unpacked_bytes``), and parsed by lxml's pull parser,
which keeps no tree here: each element is counted against ``max_xml_elements`` and dropped. What
passes is copied into a new package whose sizes are true; the other members (pictures, embedded
files, macros: nothing we read text from) are copied empty, never inflated. The libraries then
read that package, whose XML is bounded in bytes and elements, so their trees are too.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import IO

from lxml import etree

from .limits import ReadingLimits
from .outcome import RefusedError, TextStatus

CHUNK = 64 * 1024
# Members whose text a reader may need: XML parts, relationships, and ODF's ``mimetype`` (a name).
XML_MEMBER_RE = re.compile(r"\.(xml|rels)$", re.IGNORECASE)
MIMETYPE = "mimetype"
# Deflate is the only compression Office and OpenDocument use; zipfile inflates bzip2 and lzma
# members without an output bound, so a package using them is refused.
COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class _Budget:
    """What the package may still unpack: bytes and XML elements, counted as they come."""

    def __init__(self, limits: ReadingLimits) -> None:
        self.limits = limits
        self.unpacked = 0
        self.elements = 0

    def add_bytes(self, count: int) -> None:
        self.unpacked += count
        if self.unpacked > self.limits.max_unpacked_bytes:
            raise RefusedError(
                TextStatus.TOO_LARGE, f"unpacks to more than the {self.limits.max_unpacked_bytes} byte limit"
            )

    def add_elements(self, count: int) -> None:
        self.elements += count
        if self.elements > self.limits.max_xml_elements:
            raise RefusedError(TextStatus.TOO_LARGE, f"more than the {self.limits.max_xml_elements} XML element limit")


def safe_package(data: bytes, limits: ReadingLimits) -> bytes:
    """The package rebuilt with true sizes: its XML streamed, counted and checked; other members empty."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError) as exc:
        raise RefusedError(TextStatus.CORRUPT, f"not a readable zip package: {exc}") from exc
    budget = _Budget(limits)
    out = io.BytesIO()
    seen: set[str] = set()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.is_dir() or info.filename in seen:
                continue  # a second member of one name is a trick: the libraries read the first
            seen.add(info.filename)
            if info.compress_type not in COMPRESSIONS:
                raise RefusedError(TextStatus.CORRUPT, f"zip member {info.filename!r}: unusual compression")
            _copy_member(source, info, target, budget)
    return out.getvalue()


def _copy_member(source: zipfile.ZipFile, info: zipfile.ZipInfo, target: zipfile.ZipFile, budget: _Budget) -> None:
    name = info.filename
    if not (XML_MEMBER_RE.search(name) or name == MIMETYPE):
        target.writestr(name, b"")
        return
    try:
        with source.open(info) as member, target.open(name, "w", force_zip64=True) as copy:
            if name == MIMETYPE:
                _copy_bytes(member, copy, budget)
            else:
                _copy_xml(member, copy, budget)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise RefusedError(TextStatus.CORRUPT, f"zip member {name!r}: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        raise RefusedError(TextStatus.CORRUPT, f"XML of {name!r}: {exc}") from exc


def _copy_bytes(member: IO[bytes], copy: IO[bytes], budget: _Budget) -> None:
    while chunk := member.read(CHUNK):
        budget.add_bytes(len(chunk))
        copy.write(chunk)


def _copy_xml(member: IO[bytes], copy: IO[bytes], budget: _Budget) -> None:
    """Stream one XML member into the copy, parsing as it comes; each element counted, then dropped."""
    parser = etree.XMLPullParser(events=("end",), resolve_entities=False, no_network=True, huge_tree=False)
    while chunk := member.read(CHUNK):
        budget.add_bytes(len(chunk))
        copy.write(chunk)
        parser.feed(chunk)
        budget.add_elements(_drop_read(parser))
    parser.close()
    budget.add_elements(_drop_read(parser))


def _drop_read(parser: etree.XMLPullParser) -> int:
    """Count the elements the parser has finished and free them (and the siblings before them)."""
    count = 0
    for _, element in parser.read_events():
        count += 1
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    return count
