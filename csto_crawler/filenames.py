"""Safe file names: a name taken from a web page never leaves the folder it is written into.

Attachment names come from the sites' HTML (link text or URL), so they may hold anything:
``../../etc/passwd``, an absolute path, NUL bytes, a Windows device name, a 1,000-character title.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Both separators count: a name written on Windows may use either.
SEPARATORS_RE = re.compile(r"[/\\]")
# Characters Windows refuses in names (a researcher may copy the folder there): "a:b?.docx".
WINDOWS_FORBIDDEN_RE = re.compile(r'[<>:"|?*]')
# Device names Windows reserves whatever the extension: "con.docx" and "LPT1.pdf" open devices.
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)
# File systems allow 255 bytes per name; the margin leaves room for a "-<sha256 prefix>" suffix.
MAX_NAME_BYTES = 200
# An extension longer than this is not kept whole when a name must be shortened.
MAX_EXTENSION_CHARS = 16


def safe_filename(name: str, fallback: str) -> str:
    """``name`` reduced to one harmless path component, or ``fallback`` when nothing usable is left.

    Drops directories (only the last component of either separator is kept), control and other
    invisible characters (NUL, bidi overrides), characters Windows forbids, leading dots (no hidden
    files, no ``..``), trailing dots and spaces; prefixes Windows device names with ``_``; caps the
    length at MAX_NAME_BYTES of UTF-8, keeping the extension.
    """
    base = SEPARATORS_RE.split(unicodedata.normalize("NFC", name))[-1]
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C"))
    base = WINDOWS_FORBIDDEN_RE.sub("_", base)
    base = base.strip().lstrip(".").rstrip(". ")
    if not base:
        return fallback
    if base.split(".", 1)[0].strip().upper() in WINDOWS_RESERVED:
        base = "_" + base
    return shorten(base, MAX_NAME_BYTES)


def shorten(name: str, max_bytes: int) -> str:
    """``name`` cut to ``max_bytes`` of UTF-8 on a character boundary, its extension kept."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION_CHARS:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    budget = max_bytes - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(". ")
    return cut + suffix


def with_hash_suffix(name: str, sha256: str) -> str:
    """``name`` made unique by its content hash, before the extension: ``a.pdf`` -> ``a-1f2e3d4c5b6a.pdf``."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"{name}-{sha256[:12]}"
    return f"{stem}-{sha256[:12]}.{extension}"


class UnsafePathError(ValueError):
    """A path that would land outside the folder it must stay in."""


def path_inside(root: Path, *parts: str) -> Path:
    """``root / parts...`` resolved; raises UnsafePathError if it leaves ``root`` (absolute parts,
    ``..`` or a symlink pointing elsewhere) — the last check after safe_filename."""
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if target == base or not target.is_relative_to(base):
        raise UnsafePathError(f"{'/'.join(parts)!r} would be written outside {root}")
    return target
