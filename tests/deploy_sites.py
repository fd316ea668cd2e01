"""Sample sites for the deploy tests: a private copy of the built sample project that a test may change
and build again, and the digests that say which output files changed.

Not a test module: `from deploy_sites import DeploySite`.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from akhbar.cli import main

ARTICLE = "content/1395/tabriz-maragheh-freeway.md"  # the article the tests edit


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by POSIX path."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            result[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, ctime) of every file: a file written or renamed into place gets new ones, even with its old mtime."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_ctime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class DeploySite:
    root: Path
    output: Path
    base_config: str

    @classmethod
    def copy_of(cls, built_root: Path, built_output: Path, dest: Path) -> DeploySite:
        root, output = dest / "project", dest / "output"
        shutil.copytree(built_root, root, symlinks=True)
        shutil.copytree(built_output, output)
        return cls(root, output, (root / "site_config.toml").read_text(encoding="utf-8"))

    def configure(self, table: str) -> None:
        """site_config.toml as the sample has it, plus `table` (a [deploy.NAME] section)."""
        (self.root / "site_config.toml").write_text(self.base_config + "\n" + table, encoding="utf-8")

    def deploy(self, *args: str) -> tuple[int, str, str]:
        import contextlib
        import io

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--root", str(self.root), "deploy", "--output", str(self.output), *args])
        return code, out.getvalue(), err.getvalue()

    def change_article_and_build(self) -> tuple[set[str], set[str], set[str]]:
        """Add a sentence to one article and build: the output files (changed, new, gone)."""
        before = digests(self.output)
        path = self.root / ARTICLE
        path.write_text(path.read_text(encoding="utf-8") + "\nاین جمله برای آزمایش انتشار افزوده شد.\n",
                        encoding="utf-8")
        assert main(["--root", str(self.root), "build", "--output", str(self.output)]) == 0
        after = digests(self.output)
        changed = {rel for rel in before.keys() & after.keys() if before[rel] != after[rel]}
        return changed, after.keys() - before.keys(), before.keys() - after.keys()


def without_manifest(files: dict) -> dict:
    return {k: v for k, v in files.items() if k != ".akhbar-manifest.json"}

