"""What `deploy` needs from a target, whatever carries the files there (rsync over ssh, S3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

Done = Callable[[str, bool], None]  # (path, whether its bytes were sent now) for each file that reached the target


class TransportError(Exception):
    """The target cannot be reached or refused the work; `message` says so in plain words, naming no target."""

    def __init__(self, message: str, code: int = 0, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # the tool's exit status, where there is one
        self.detail = detail  # the tool's own words, for telling cases apart


class Transport(Protocol):
    confirms_each_file: bool  # a file reported done is in place on the target, so it may be recorded at once

    def describe(self) -> str: ...
    def read_manifest(self) -> bytes | None: ...
    def upload(self, output: Path, files: Sequence[str], done: Done) -> None: ...
    def delete(self, output: Path, files: Sequence[str], done: Done) -> None: ...
    def write_manifest(self, data: bytes) -> None: ...
    def close(self) -> None: ...
