"""Content-addressed compression of raw bytes (HTML snapshots, attachments).

zstd level 3 (Scrapy already depends on ``backports.zstd``): on CSTO pages it stores about 0.23 of
the raw bytes at ~0.1 ms per 50 KB page, close to gzip -6's size at many times its speed.
The codec name is stored with each blob so a later codec can coexist with old blobs.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3

from backports import zstd

CODEC_ZSTD = "zstd"
CODEC_RAW = "raw"
ZSTD_LEVEL = 3
# Below this size compression frame overhead outweighs any saving.
MIN_COMPRESS_BYTES = 64


class BlobError(ValueError):
    """A stored blob that cannot be decoded, or whose bytes do not match its sha256."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode(data: bytes) -> tuple[str, bytes]:
    """Compress raw bytes; returns (codec, stored bytes)."""
    if len(data) < MIN_COMPRESS_BYTES:
        return CODEC_RAW, data
    return CODEC_ZSTD, _compressor().compress(data, mode=zstd.ZstdCompressor.FLUSH_FRAME)


@functools.cache
def _compressor() -> zstd.ZstdCompressor:
    """One compression context per process: zstd.compress() sets up a new one for every page.

    Each call ends its frame (FLUSH_FRAME), so every blob is a complete, independent zstd frame.
    """
    return zstd.ZstdCompressor(level=ZSTD_LEVEL)


def decode(codec: str, stored: bytes) -> bytes:
    """Stored bytes back to the raw bytes; raises BlobError on an unknown codec or corrupt frame."""
    if codec == CODEC_RAW:
        return stored
    if codec == CODEC_ZSTD:
        try:
            return zstd.decompress(stored)
        except zstd.ZstdError as exc:
            raise BlobError(f"corrupt zstd frame: {exc}") from exc
    raise BlobError(f"unknown codec {codec!r}")


def verify(sha256: str, codec: str, stored: bytes) -> bytes:
    """Decode and check the bytes hash to ``sha256``; raises BlobError otherwise."""
    raw = decode(codec, stored)
    actual = sha256_hex(raw)
    if actual != sha256:
        raise BlobError(f"sha256 mismatch: stored as {sha256}, bytes hash to {actual}")
    return raw


def load(connection: sqlite3.Connection, sha256: str, check: bool = False) -> bytes | None:
    """The raw bytes stored under ``sha256`` (None when there are none); ``check`` re-hashes them
    (raises BlobError when they no longer match)."""
    row = connection.execute("SELECT codec, data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None:
        return None
    return verify(sha256, row[0], row[1]) if check else decode(row[0], row[1])
