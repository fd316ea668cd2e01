"""The three generators: installing them, laying out a project, the build commands, checking the output.

Every project lives in bench/.work/peers/N-sSEED/<name>/ and is laid anew for each benchmark: its
content/ is a hard-link copy of the cached articles in the generator's format (corpus.py's own
folder for akhbar, a converted copy for the peers), next to the generator's settings and templates.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import convert

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
REPO = BENCH.parent
PELICAN_REQUIREMENTS = ("pelican==4.12.*", "markdown>=3.6,<4")
OUTPUT_DIRS = ("output",)


class SetupError(RuntimeError):
    pass


def _run(cmd: list[str], **kw) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout.strip()


class Generator:
    name = ""
    template = ""  # the article template, relative to the project
    anchor = ""  # the template change goes on a line of its own after this text

    def __init__(self, work: Path) -> None:
        self.work = work

    def install(self) -> dict:
        """Make the generator runnable; return its versions."""
        raise NotImplementedError

    def pristine(self, corpus_dir: Path, store: Path) -> Path:
        """The folder whose hard-link copy is the project's content/."""
        raise NotImplementedError

    def setup(self, project: Path) -> None:
        """Settings and templates into a fresh project."""
        raise NotImplementedError

    def article_file(self, project: Path, rel: str) -> Path:
        """Where the article corpus.py wrote at content/`rel` is in this generator's project."""
        return project / "content" / rel

    def render(self, article: dict) -> str:
        return convert.WRITERS[self.name](article)

    def clean(self, project: Path) -> None:
        """What a cold build must not find: the output and every cache."""
        for name in (*OUTPUT_DIRS, *self.caches):
            path = project / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    caches: tuple[str, ...] = ()

    def cold(self, project: Path) -> list[str]:
        raise NotImplementedError

    def rebuild(self, project: Path) -> list[str]:
        raise NotImplementedError

    needs_prime = False  # a build with caches on between the cold builds and the rebuilds (Pelican)

    def built(self, log: str) -> int | None:
        """The count in the build's own closing summary (None when it printed none): articles for
        akhbar and Pelican, all pages for Hugo."""
        return None


class Akhbar(Generator):
    name = "akhbar"
    template = "themes/default/templates/article.html"
    anchor = "{% block main %}"
    caches = (".cache", ".output.new", ".output.old")

    def __init__(self, work: Path, python: str = sys.executable, search: bool = False) -> None:
        super().__init__(work)
        self.python = python
        # The peers make no search index, so for "equivalent output" akhbar builds without its own
        # (`[search] enabled = false`: no Pagefind run, no search page) unless asked to (--akhbar-search).
        self.search = search

    def install(self) -> dict:
        import reload_bench  # bench/ is on sys.path (peers.py, convert.py put it there)

        return {"akhbar": reload_bench.code_version(), "python": _run([self.python, "-c",
                                                                       "import sys; print(sys.version.split()[0])"])}

    def pristine(self, corpus_dir: Path, store: Path) -> Path:
        return corpus_dir / "content"

    def setup(self, project: Path) -> None:
        convert.corpus.install_site(project)  # the repository's themes/ and settings, page_size = 20
        config = project / "site_config.toml"
        text = config.read_text(encoding="utf-8")
        if re.search(r"(?m)^\s*\[search\]", text):
            raise SetupError("the repository's site_config.toml has a [search] table: peers.py cannot set its own")
        config.write_text(text + f"\n[search]\nenabled = {'true' if self.search else 'false'}\n", encoding="utf-8")

    def cold(self, project: Path) -> list[str]:
        return [self.python, str(REPO / "build.py"), "--root", str(project), "build", "--no-cache"]

    def rebuild(self, project: Path) -> list[str]:
        return [self.python, str(REPO / "build.py"), "--root", str(project), "build"]

    def built(self, log: str) -> int | None:
        m = re.search(r"(\d+) articles, \d+ pages", log)
        return int(m[1]) if m else None


class Pelican(Generator):
    name = "pelican"
    template = "theme/templates/article.html"
    anchor = "{% block content %}"
    caches = ("cache", "__pycache__")
    needs_prime = True

    @property
    def venv(self) -> Path:
        return self.work / "pelican-venv"

    def install(self) -> dict:
        """Pelican in a venv of its own (made with this interpreter's venv module), reinstalled when
        the requirements here change."""
        stamp = self.venv / ".bench-installed"
        wanted = "\n".join(PELICAN_REQUIREMENTS)
        if not (stamp.is_file() and stamp.read_text() == wanted and (self.venv / "bin" / "pelican").exists()):
            print(f"installing {', '.join(PELICAN_REQUIREMENTS)} into {self.venv} …", flush=True)
            shutil.rmtree(self.venv, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(self.venv)])
            try:
                _run([str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                      "--disable-pip-version-check", *PELICAN_REQUIREMENTS])
            except subprocess.CalledProcessError as e:
                raise SetupError(f"could not install Pelican from PyPI:\n{e.stderr[-2000:]}") from None
            stamp.write_text(wanted)
        code = "import pelican, markdown, jinja2; print(pelican.__version__, markdown.__version__, jinja2.__version__)"
        pel, md, j2 = _run([str(self.venv / "bin" / "python"), "-c", code]).split()
        return {"pelican": pel, "markdown": md, "jinja2": j2}

    def pristine(self, corpus_dir: Path, store: Path) -> Path:
        dst = store / "pelican-content"
        convert.convert("pelican", corpus_dir, dst)
        return dst

    def setup(self, project: Path) -> None:
        shutil.copyfile(HERE / "pelican" / "pelicanconf.py", project / "pelicanconf.py")
        shutil.copytree(HERE / "pelican" / "theme", project / "theme")
        # akhbar's own CSS, fonts and script: the same static files to copy as akhbar's site
        shutil.copytree(REPO / "themes" / "default" / "static", project / "theme" / "static")

    def _cmd(self, project: Path) -> list[str]:
        return [str(self.venv / "bin" / "pelican"), str(project / "content"), "-s", str(project / "pelicanconf.py"),
                "-o", str(project / "output")]

    def cold(self, project: Path) -> list[str]:
        return [*self._cmd(project), "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"]

    def rebuild(self, project: Path) -> list[str]:
        return self._cmd(project)

    def built(self, log: str) -> int | None:
        m = re.search(r"Done: Processed (\d+) articles?", log)
        return int(m[1]) if m else None


class Hugo(Generator):
    name = "hugo"
    template = "layouts/_default/single.html"
    anchor = '{{ define "main" }}'
    caches = ("resources", ".hugo_build.lock", "hugo-cache")

    def install(self) -> dict:
        """Debian's hugo package (0.111 on bookworm), installed with apt-get when missing and root."""
        if not shutil.which("hugo"):
            if os.geteuid() != 0:
                raise SetupError("hugo is not installed: run `sudo apt-get install -y hugo` (Debian's package), "
                                 "or skip it with --peers akhbar,pelican")
            print("installing Debian's hugo package …", flush=True)
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            try:
                _run(["apt-get", "install", "-y", "-qq", "hugo"], env=env)
            except subprocess.CalledProcessError:  # a fresh machine may have no package lists yet
                _run(["apt-get", "update", "-qq"], env=env)
                _run(["apt-get", "install", "-y", "-qq", "hugo"], env=env)
        text = _run(["hugo", "version"])
        m = re.search(r"v(\d+\.\d+\.\d+)", text)
        return {"hugo": m[1] if m else text, "hugo_version_line": text}

    def pristine(self, corpus_dir: Path, store: Path) -> Path:
        dst = store / "hugo-content"
        convert.convert("hugo", corpus_dir, dst)
        return dst

    def setup(self, project: Path) -> None:
        shutil.copyfile(HERE / "hugo" / "hugo.toml", project / "hugo.toml")
        shutil.copytree(HERE / "hugo" / "layouts", project / "layouts")
        shutil.copytree(REPO / "themes" / "default" / "static", project / "static")

    def article_file(self, project: Path, rel: str) -> Path:
        return project / "content" / "posts" / Path(rel).name

    def cold(self, project: Path) -> list[str]:
        # its own cache folder, emptied with the output: nothing from an earlier build survives
        return ["hugo", "--source", str(project), "--cacheDir", str(project / "hugo-cache")]

    rebuild = cold  # Hugo has no build cache for content: every build reads and renders everything

    def built(self, log: str) -> int | None:
        m = re.search(r"^\s*Pages\s*\|\s*(\d+)", log, re.M)
        return int(m[1]) if m else None  # every page, not only articles: only checked for presence


GENERATORS = {"akhbar": Akhbar, "pelican": Pelican, "hugo": Hugo}


def count_output(out: Path) -> dict:
    """The pages the comparison is about, counted the same way in every generator's output."""
    def pages_under(folder: Path) -> int:
        # page/1/ is not a page: Hugo writes a redirect there to the list's first page, whatever
        # disableAliases says (0.111)
        pages = folder / "page"
        return sum(1 for p in pages.glob("*/index.html") if p.parent.name != "1") if pages.is_dir() else 0

    news = out / "news"
    articles = sum(1 for d in news.iterdir() if (d / "index.html").is_file()) if news.is_dir() else 0
    tags_dir = out / "tags"
    terms = [d for d in tags_dir.iterdir() if d.is_dir() and (d / "index.html").is_file()] if tags_dir.is_dir() else []
    feed = out / "feed.xml"
    text = feed.read_text(encoding="utf-8") if feed.is_file() else ""
    files = sum(len(f) for _, _, f in os.walk(out))
    return {"articles": articles, "index_pages": int((out / "index.html").is_file()) + pages_under(out),
            "tags": len(terms), "tag_pages": len(terms) + sum(pages_under(d) for d in terms),
            "tags_index": int((tags_dir / "index.html").is_file()),
            "feed_entries": text.count("<entry>") + text.count("<item>"), "files": files}


def check_output(name: str, out: Path, expected: dict, feed_entries: int = 20) -> dict:
    """Count the output and fail loudly when it is not the site it should be: a generator that
    skipped pages must not look fast."""
    got = count_output(out)
    want = {**expected, "tags_index": 1, "feed_entries": feed_entries}
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    if wrong:
        detail = ", ".join(f"{k}: {g} instead of {w}" for k, (g, w) in wrong.items())
        raise AssertionError(f"{name}'s output in {out} is not the expected site: {detail}")
    return got
