"""Content hashes that decide whether a re-ingested item changed."""

from __future__ import annotations

import hashlib


def stable_hash(*parts: str) -> str:
    """SHA-256 over the parts, separated so that ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def bytes_hash(data: bytes) -> str:
    """SHA-256 of a file's raw bytes."""
    return hashlib.sha256(data).hexdigest()
