"""Problems found while reading and building, collected so that all of them are reported at once.

Every problem names a file (relative to the site root) and, where known, a line; it is printed
as ``path:line: message`` (errors) or ``path:line: warning: message``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class BuildError(Exception):
    """Raised when the collected problems make it impossible to go on."""


@dataclass
class Diagnostics:
    """Collects problems; paths are made relative to ``root``."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def _relative(self, path: Path | str) -> str:
        path = Path(path)
        try:
            # The file itself is not resolved: a problem about a link names the link.
            place = path.parent.resolve() / path.name if path.name else path.resolve()
            return place.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.problems.append(Problem(self._relative(path), line, message, "error"))

    def warning(self, path: Path | str, line: int, message: str) -> None:
        self.problems.append(Problem(self._relative(path), line, message, "warning"))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def report(self, stream: TextIO | None = None) -> None:
        """Print every problem once, in file order, errors and warnings interleaved."""
        stream = stream or sys.stderr
        for problem in sorted(set(self.problems), key=lambda p: (p.path, p.line, p.message)):
            print(problem, file=stream)
