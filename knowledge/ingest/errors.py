"""Problems found while reading knowledge files.

Ingestion reports every problem in every file at once, so that editors can fix a whole
batch in one go instead of meeting errors one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class IngestProblem:
    """One thing wrong in one file, pointing at the line when it is known."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        """Render as "file:line: message", the form editors and their tools understand."""
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class IngestError(Exception):
    """Raised instead of returning anything when at least one problem was found."""

    def __init__(self, problems: Iterable[IngestProblem]) -> None:
        self.problems: tuple[IngestProblem, ...] = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the knowledge files:", *(f"  {p}" for p in self.problems)]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """What one file yielded: records, or problems and no records at all."""

    items: tuple[T, ...] = ()
    problems: tuple[IngestProblem, ...] = ()

    @classmethod
    def of(cls, items: Iterable[T], problems: Iterable[IngestProblem]) -> Parsed[T]:
        """Keep the records only when the file had no problem, so nothing half-read leaks.

        Problems are put in line order (file-wide ones first) for easier fixing.
        """
        found = tuple(sorted(problems, key=lambda problem: problem.line or 0))
        return cls((), found) if found else cls(tuple(items), ())

    @classmethod
    def failed(cls, *problems: IngestProblem) -> Parsed[T]:
        """A file that yielded only problems."""
        return cls((), problems)

    def unwrap(self) -> tuple[T, ...]:
        """The records, or IngestError with every problem."""
        if self.problems:
            raise IngestError(self.problems)
        return self.items
