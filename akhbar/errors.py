"""The one error hierarchy. Stages raise or collect `Problem`s; only the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the user's input, pointing at the line the editor has open."""

    path: str
    line: int | None
    message: str
    warning: bool = False
    fa: str = ""  # the same in Persian, for the preview's error overlay (empty: a generic Persian line)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


class AkhbarError(Exception):
    """A run that cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = sorted(problems if isinstance(problems, list) else [problems])
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple:  # raised in a worker process, it travels back whole
        return AkhbarError, (self.problems,)
