"""Shared fixtures: the repository, throw-away copies of the sample project, and built sample sites.

The end-to-end tests share session-scoped builds (`sample_site`, `drafts_site`, `subpath_site`), so
the sample content is built once per flavour per test run. Helpers that several test files need
(tree snapshots, an HTML page model, running the CLI in-process) are exposed as fixtures, so no test
module imports this file.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from akhbar.cli import main

REPO = Path(__file__).resolve().parents[1]
WORD_LIST = "normalize-words.txt"  # named by site_config.toml's [normalize] words
SAMPLE_BASE_URL = "http://127.0.0.1:8000/"  # what the repository's site_config.toml says
SUBPATH_BASE_URL = "https://example.ir/akhbar/"

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
INVISIBLE = frozenset({"script", "style", "template"})


# ----------------------------------------------------------------------------- project copies


# Photo variants are named by their source's bytes and the settings, so every copy of the sample project
# can share one image cache: the sample photos are encoded once per test run, not once per copy.
SHARED_IMAGE_CACHE = Path(tempfile.mkdtemp(prefix="akhbar-test-images-"))


def copy_project(dest: Path, base_url: str | None = None) -> Path:
    """Copy content/, themes/, site_config.toml and the word list it names into `dest` (nothing else but a
    link to the test run's shared photo cache)."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / ".cache").mkdir(exist_ok=True)
    (dest / ".cache" / "images").symlink_to(SHARED_IMAGE_CACHE, target_is_directory=True)
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copytree(REPO / "themes", dest / "themes")
    shutil.copy(REPO / WORD_LIST, dest / WORD_LIST)
    config = (REPO / "site_config.toml").read_text(encoding="utf-8")
    if base_url is not None:
        config, n = re.subn(r'(?m)^base_url\s*=.*$', f'base_url = "{base_url}"', config)
        assert n == 1, "site_config.toml has no top-level base_url line to replace"
    (dest / "site_config.toml").write_text(config, encoding="utf-8")
    return dest


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the sample project (content, themes, site_config.toml) under tmp_path."""
    return copy_project(tmp_path / "site")


# ----------------------------------------------------------------------------- running the CLI


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def problem_lines(self) -> list[str]:
        """stderr without the progress bar (which redraws itself with '\\r')."""
        return [line.rsplit("\r", 1)[-1] for line in self.err.splitlines() if line.rsplit("\r", 1)[-1].strip()]


def run_cli(*argv: str | os.PathLike) -> Run:
    """`main(argv)` in-process with stdout/stderr captured (usable from session fixtures, unlike capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    # The command line runs once per process; here it runs hundreds of times in one. Each build leaves its
    # Python-Markdown objects (which refer to each other, and through them to the normalizer's ~70 MB of
    # word lists) to the cyclic collector, which counts objects, not bytes, and so rarely gets to them:
    # without this the test process grew past 19 GB.
    gc.collect()
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


# ----------------------------------------------------------------------------- tree snapshots


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under `root`: bytes hash, mtime and inode for files; mtime for folders."""
    result: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        rel = path.relative_to(root).as_posix()
        if path.is_file():
            result[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_ino)
        else:
            result[rel] = ("dir", st.st_mtime_ns)
    return result


@pytest.fixture
def pagefind_runs(monkeypatch) -> list[Path]:
    """The scratch site of every Pagefind run of the test (the real Pagefind still runs)."""
    import akhbar.search

    runs: list[Path] = []
    real = akhbar.search._run_pagefind

    def counting(site: Path, bundle: Path, cancelled) -> None:  # noqa: ANN001
        runs.append(site)
        real(site, bundle, cancelled)

    monkeypatch.setattr(akhbar.search, "_run_pagefind", counting)
    return runs


@pytest.fixture
def tree_snapshot():
    return snapshot


# ----------------------------------------------------------------------------- an HTML page model


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for node in self.iter():
            if node is self or (tag and node.tag != tag) or (cls and cls not in node.classes):
                continue
            if all(node.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in INVISIBLE:
                parts.append(child.text())
        return "".join(parts)

    def clean_text(self) -> str:
        return " ".join(self.text().split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.errors: list[str] = []
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list) -> None:
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                if i != len(self.stack) - 1:
                    self.errors.append(f"</{tag}> closes unclosed <{self.stack[-1].tag}>")
                del self.stack[i:]
                return
        self.errors.append(f"stray </{tag}>")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Page:
    rel: str  # path under the output folder, e.g. "news/x/index.html"
    source: str
    root: Node
    doctype: str | None
    errors: list[str]

    @property
    def html(self) -> Node:
        node = self.root.find("html")
        assert node is not None, f"{self.rel}: no <html> element"
        return node

    @property
    def title(self) -> str:
        node = self.root.find("title")
        return node.clean_text() if node else ""

    def links(self) -> list[tuple[Node, str, str]]:
        """(element, attribute, value) of every href and src in the page."""
        return [(n, a, n.attrs[a]) for n in self.root.iter() for a in ("href", "src")
                if a in n.attrs and n.attrs[a] is not None]

    def visible_texts(self) -> list[str]:
        """Text a reader sees or hears: text nodes outside script/style, and human-facing attributes."""
        texts = [self.root.text()]
        for node in self.root.iter():
            for attr in ("title", "alt", "aria-label", "placeholder"):
                if node.attrs.get(attr):
                    texts.append(node.attrs[attr])
            if node.tag == "meta" and node.attrs.get("name") == "description":
                texts.append(node.attrs.get("content") or "")
        return texts


def parse_html(rel: str, source: str) -> Page:
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    errors = list(builder.errors)
    errors += [f"<{n.tag}> never closed" for n in builder.stack[1:] if n.tag not in ("html", "body", "head")]
    return Page(rel, source, builder.root, builder.doctype, errors)


@pytest.fixture
def html_parse():
    return parse_html


# ----------------------------------------------------------------------------- built sample sites


@dataclass
class BuiltSite:
    root: Path  # the project folder
    output: Path
    base_url: str
    run: Run
    pages: dict[str, Page]  # every .html file under output, by POSIX path

    @property
    def files(self) -> list[str]:
        return sorted(p.relative_to(self.output).as_posix() for p in self.output.rglob("*") if p.is_file())

    def page(self, rel: str) -> Page:
        assert rel in self.pages, f"{rel} was not built"
        return self.pages[rel]


def build_site(dest: Path, *extra: str, base_url: str | None = None) -> BuiltSite:
    root = copy_project(dest / "project", base_url)
    output = dest / "output"
    run = run_cli("--root", root, "build", "--output", output, *extra)
    assert run.code == 0, f"the sample site did not build:\n{run.err}"
    pages = {}
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        pages[rel] = parse_html(rel, path.read_bytes().decode("utf-8"))
    return BuiltSite(root, output, base_url or SAMPLE_BASE_URL, run, pages)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The sample content built once, as `build.py build` would (no drafts, the repository's config)."""
    return build_site(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def drafts_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_site(tmp_path_factory.mktemp("drafts"), "--drafts")


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_site(tmp_path_factory.mktemp("subpath"), base_url=SUBPATH_BASE_URL)


# ----------------------------------------------------------------------------- small projects


def make_project(dest: Path, articles: dict[str, str], config: str = 'title = "آزمایش"\nbase_url = "https://example.ir/"\n') -> Path:
    """A project with the repository's theme, `config` as site_config.toml and `articles` (path under
    content/ → file text)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "themes", dest / "themes")
    (dest / "site_config.toml").write_text(config, encoding="utf-8")
    for rel, text in articles.items():
        path = dest / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


@pytest.fixture
def small_project():
    return make_project


# Property tests explore the same examples on every run: CI must not pass or fail by the luck of a seed.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("akhbar", derandomize=True, print_blob=True)
_hypothesis_settings.load_profile("akhbar")


@pytest.fixture(scope="module")
def shared_hazm():
    """Build each distinct hazm normalizer once per test module, not once per TextNormalizer: its
    constructor loads lexicons (~1.5 s) and it keeps no state between calls."""
    from akhbar import hazm_fast

    real, built = hazm_fast.FastNormalizer, {}

    def normalizer(**kwargs):
        key = tuple(sorted(kwargs.items()))
        if key not in built:
            built[key] = real(**kwargs)
        return built[key]

    patch = pytest.MonkeyPatch()
    patch.setattr(hazm_fast, "FastNormalizer", normalizer)
    yield
    patch.undo()


# ----------------------------------------------------------------------------- a browser on the sample site


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (skipped without it, except under CI=true)."""
    from browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def host(sample_site):
    """The built sample site over plain HTTP on 127.0.0.1, as a static host serves it."""
    from live_server import StaticHost

    with StaticHost(sample_site.output) as h:
        yield h
