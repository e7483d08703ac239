"""How much one import may read, and how a refusal names the limit and where to raise it.

Real knowledge files and calendars are small: a file of hundreds of megabytes, or an archive
that inflates to gigabytes (a "zip bomb"), is a mistake or an attack, and reading it would hold
the command for minutes and the machine's memory with it. The limits are checked before
anything is parsed or inflated.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

MEGABYTE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SizeLimit:
    """A ceiling in megabytes; `setting` is what an operator changes to raise it, named in
    every refusal (knowledge does not know where settings come from, so the caller says)."""

    megabytes: int
    setting: str | None = None

    def refusal(self, what: str, size: int) -> str | None:
        """Why `what` of `size` bytes is refused, or None when it is within the limit."""
        if size <= self.megabytes * MEGABYTE:
            return None
        raise_it = f" (set {self.setting} to raise it)" if self.setting else ""
        return f"{what} {size / MEGABYTE:,.1f} MB; the limit is {self.megabytes:,} MB{raise_it}"


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """The limits of one import: each file's size on disk, and what an archive (.docx, .xlsx)
    would inflate to."""

    file: SizeLimit = field(default_factory=lambda: SizeLimit(20))
    unzipped: SizeLimit = field(default_factory=lambda: SizeLimit(100))


DEFAULT_LIMITS = IngestLimits()
"""The limits when no setting says otherwise."""


def unzipped_refusal(data: bytes, limit: SizeLimit) -> str | None:
    """Why an archive is refused for what it would inflate to, or None. The sizes come from
    the archive's directory, so nothing is inflated to find out; a file that is not a zip
    archive is left to its reader to report."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        return None
    return limit.refusal("it unzips to", total)
