"""Where each imported article goes: its file in --into, unless it is there already.

Decided in source order by the parent process alone, so the files do not depend on --jobs: the news
number or the title slug names the file, a collision gets `-2`, `-3`…, and an export already imported
(same bytes, same news number, or, without one, same file name) is left alone unless --force.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .config import SiteConfig
from .errors import Problem
from .files import shown
from .import_article import Made
from .read import discover


@dataclass
class Existing:
    """Articles already in content/ (and in --into): what a new one must not duplicate."""

    by_news_id: dict[int, Path] = field(default_factory=dict)
    by_sha: dict[str, Path] = field(default_factory=dict)
    by_name: dict[str, Path] = field(default_factory=dict)  # source file name of earlier imports
    slugs: set[str] = field(default_factory=set)
    planned: dict[Path, str] = field(default_factory=dict)  # file → the source it is made from in this run

    def add(self, path: Path, news_id: int | None, sha: str | None, name: str | None, slug: str) -> None:
        if news_id is not None:
            self.by_news_id.setdefault(news_id, path)
        if sha:
            self.by_sha.setdefault(sha, path)
        if name:  # only earlier imports: in one run, two exports may share a name
            self.by_name.setdefault(name, path)
        self.slugs.add(slug.casefold())


_FM_NEWS_ID = re.compile(r"^news_id:\s*[\"']?(\d+)", re.M)
_FM_SLUG = re.compile(r"^slug:\s*(.+?)\s*$", re.M)
_FM_SHA = re.compile(r"^\s+sha256:\s*[\"']?([0-9a-f]{64})", re.M)
_FM_FILE = re.compile(r"^\s+file:\s*(.+?)\s*$", re.M)


def _scan(folders: list[Path]) -> Existing:
    """A quick look at every article's front matter: news number, slug and `source` of earlier imports."""
    existing = Existing()
    for path in sorted({p for folder in folders if folder.is_dir() for p in discover(folder)}):
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        head = text.split("\n---", 1)[0] if text.startswith("---") else ""
        slug_m = _FM_SLUG.search(head)
        slug = slug_m.group(1).strip("\"'") if slug_m else path.stem
        news = _FM_NEWS_ID.search(head)
        sha, name = _FM_SHA.search(head), _FM_FILE.search(head)
        try:
            file_name = str(yaml.safe_load(name.group(1))) if name else None
        except yaml.YAMLError:
            file_name = None
        existing.add(path, int(news.group(1)) if news else None, sha.group(1) if sha else None, file_name, slug)
    return existing


@dataclass
class Report:
    imported: int = 0
    rewritten: int = 0
    present: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    review: Counter[str] = field(default_factory=Counter)
    warnings: list[Problem] = field(default_factory=list)


class Placer:
    """Decides, in source order, the file of each made article, and writes it (unless a dry run)."""

    def __init__(self, config: SiteConfig, into: Path, dry_run: bool, force: bool) -> None:
        self.config, self.into, self.dry_run, self.force = config, into, dry_run, force
        self.existing = _scan([config.content_dir, into])
        self.report = Report()

    def shown(self, path: Path) -> str:
        return shown(path, self.config.root)

    def place(self, made: Made) -> None:
        report, existing = self.report, self.existing
        if made.problem:
            (report.failed if made.failed else report.skipped).append(Problem(made.shown, None, made.problem))
            return
        report.warnings += [Problem(made.shown, None, w, warning=True) for w in made.warnings]
        there = (existing.by_sha.get(made.sha256)
                 or (existing.by_news_id.get(made.news_id) if made.news_id is not None else None)
                 or (existing.by_name.get(made.name) if made.news_id is None else None))
        if there in existing.planned:  # made from another source of this very run
            other = existing.planned[there]
            if existing.by_sha.get(made.sha256) == there:
                report.present.append(f"{made.shown}: the same export as {other}, imported once")
            else:
                report.failed.append(Problem(made.shown, None, f"has the news number {made.news_id} of {other} "
                                             "but other text; not imported, choose one of them"))
            return
        if there is not None:
            self._update(made, there)
            return
        stem, n = made.stem, 1
        while stem.casefold() in existing.slugs or (self.into / f"{stem}.md").exists():
            n += 1
            stem = f"{made.stem}-{n}"
        path = self.into / f"{stem}.md"
        if self._write(made, path):
            existing.add(path, made.news_id, made.sha256, None, stem)
            existing.planned[path] = made.shown
            report.imported += 1
            report.review.update(made.review)

    def _update(self, made: Made, there: Path) -> None:
        """The article is already there: left alone, or with --force rewritten when it lies in --into."""
        inside = there.is_relative_to(self.into)
        if self.force and inside:
            try:
                same = there.read_text(encoding="utf-8") == made.text
            except (OSError, UnicodeDecodeError):
                same = False
            if not same:
                if self._write(made, there):
                    self.report.imported += 1
                    self.report.rewritten += 1
                    self.report.review.update(made.review)
                return
            hint = ", unchanged"
        elif inside:
            hint = ", left alone (--force rewrites it)"
        else:
            hint = ", left alone (it lies outside the import folder, so --force leaves it too)"
        self.report.present.append(f"{made.shown}: already imported as {self.shown(there)}{hint}")

    def _write(self, made: Made, path: Path) -> bool:
        """Write atomically (a temporary file, then a rename): a reader never sees half an article."""
        if self.dry_run:
            return True
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as e:
            self.report.failed.append(Problem(made.shown, None, f"cannot be written to {self.shown(path)} ({e.strerror or e})"))
            return False
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(made.text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as e:
            Path(tmp).unlink(missing_ok=True)
            self.report.failed.append(Problem(made.shown, None, f"cannot be written to {self.shown(path)} ({e.strerror or e})"))
            return False
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

