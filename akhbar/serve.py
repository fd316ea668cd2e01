"""`serve`: the editor's live preview.

One tornado application serves only files under the output folder (livereload supplies the browser
side: its WebSocket handler and livereload.js). A watchdog observer collects file events, ignores
editors' swap and backup files, waits for a short quiet spell, then runs the same incremental
`pipeline.build` as the command line and tells the browsers to reload. When a build fails, the last
good site stays in place and every HTML page is served with an error overlay until a build succeeds.
Those rebuilds leave the search index as it was (Pagefind re-reads every article: ~20 s of CPU at
10,000 articles); once the edits pause, the index is brought up to date, and a save stops that work
so that its own rebuild comes first.
"""

from __future__ import annotations

import dataclasses
import html
import ipaddress
import mimetypes
import os
import sys
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path
from urllib.parse import unquote

from .config import CONFIG_NAME, SiteConfig, load_config
from .errors import AkhbarError, Problem
from .files import is_temporary
from .pipeline import BuildState, build
from .read import is_article_path
from .search import IndexCancelledError

QUIET = 0.08  # seconds without events before a rebuild: one save often fires several events
INDEX_QUIET = 1.0  # seconds without events before the search index catches up with the rebuilds
# Served while there is no site yet (the first build failed): it still gets the overlay and the reload script.
NO_SITE_YET = b'<!doctype html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>akhbar</title></head><body></body></html>\n'


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def is_relevant(path: str) -> bool:
    """False for editors' temporary files (vim swap, emacs lock/backup, `4913` probes, VCS folders)."""
    return not is_temporary(path)


class Preview:
    """Build state shared by the watcher thread (writes) and the HTTP handlers (read)."""

    def __init__(self, config: SiteConfig, host: str, port: int, output: Path, drafts: bool) -> None:
        self.root = config.root
        self.host, self.port, self.output, self.drafts = host, port, output.resolve(), drafts
        self.state: BuildState | None = None
        self.problems: list[Problem] = []
        self.generation = 0
        self.index_stale = False  # a rebuild changed pages since the search index was last made
        self.lock = threading.Lock()

    def local(self, config: SiteConfig) -> SiteConfig:
        # The preview lives at the server's root whatever base_url says, so its links must too.
        return dataclasses.replace(config, base_url=f"http://{self.host}:{self.port}/")

    def rebuild(self, index_search: bool = True, touched: Collection[str] | None = None) -> bool:
        """Build; on failure keep the last good output and remember the problems for the overlay.
        `touched`: the article files the watcher saw change (None: it cannot tell)."""
        with self.lock:
            if self.problems:
                touched = None  # the failed build's state was not kept: what it saw must be seen again
            try:
                config = self.local(load_config(self.root))
                # A save's rebuild trusts the output to be as this process left it: listing 25,000 files
                # would be most of its time. The index pass that follows once edits pause (and the first
                # build) lists it, so a file changed by hand is still put right.
                report, self.state, explained = build(config, self.output, self.drafts, state=self.state,
                                                      index_search=index_search, trust_output=not index_search,
                                                      touched=touched)
            except AkhbarError as e:
                self.problems = e.problems
                for problem in e.problems:
                    print(problem, file=sys.stderr)
                print("the preview keeps showing the last good build, with the problems on top", file=sys.stderr)
                return True
            except Exception as e:  # never let one bad build stop the editor's server
                self.problems = [Problem(CONFIG_NAME, None, f"unexpected error: {e!r}")]
                print(f"unexpected error: {e!r}", file=sys.stderr)
                return True
            self.problems = []
            self.generation += 1
            self.index_stale = not index_search and (self.index_stale or bool(explained.rendered))
            print(f"rebuilt in {report.seconds:.2f} s: {len(explained.read)} file(s) read, "
                  f"{len(explained.rendered)} page(s) rendered, {report.written} written, {report.removed} removed",
                  flush=True)
            return True

    def update_index(self, cancelled: Callable[[], bool]) -> None:
        """Bring the search index up to date with the last rebuild, unless `cancelled` says stop first."""
        with self.lock:
            try:
                config = self.local(load_config(self.root))
                report, self.state, _ = build(config, self.output, self.drafts, state=self.state, cancelled=cancelled)
            except IndexCancelledError:
                return  # a save came: its rebuild goes first, and this work is done again after it
            except AkhbarError as e:
                self.problems = e.problems
                for problem in e.problems:
                    print(problem, file=sys.stderr)
            except Exception as e:  # never let one bad build stop the editor's server
                self.problems = [Problem(CONFIG_NAME, None, f"unexpected error: {e!r}")]
                print(f"unexpected error: {e!r}", file=sys.stderr)
            else:
                if config.search.enabled:  # (with [search] off this pass only puts right what changed by hand)
                    print(f"search index updated in {report.seconds:.2f} s", flush=True)
            self.index_stale = False


def overlay_html(problems: list[Problem]) -> str:
    items = "".join(
        f'<li><code dir="ltr">{html.escape(p.path)}{":" + str(p.line) if p.line else ""}</code>'
        f'<p dir="ltr" lang="en">{html.escape(p.message)}</p>'
        f'<p>{html.escape(p.fa or "این پرونده ایراد دارد؛ توضیح انگلیسی بالا را ببینید.")}</p></li>'
        for p in problems
    )
    return (
        '<div id="akhbar-error-overlay" role="alert" dir="rtl" lang="fa" style="position:fixed;inset:0;z-index:2147483647;'
        "overflow:auto;background:rgba(20,0,0,.92);color:#fff;font:16px/1.8 Vazirmatn,Tahoma,sans-serif;padding:1.5rem\">"
        '<h2 style="margin-top:0">خطا در ساخت سایت — Build error</h2>'
        "<p>پس از درست کردن پرونده، این پیام خودبه‌خود می‌رود. صفحهٔ زیر آخرین نسخهٔ سالم سایت است.<br>"
        '<span dir="ltr" lang="en">Fix the file and this message goes away by itself. '
        "Underneath is the last good build.</span></p>"
        f'<ol style="padding-inline-start:1.25rem">{items}</ol></div>'
    )


def _make_app(preview: Preview):  # noqa: ANN202 (tornado types)
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from tornado import web

    script = (
        '<script>(function(){var s=document.createElement("script");'
        's.src="/livereload.js?port="+(window.location.port||80);document.head.appendChild(s);})();</script>'
    )

    class OutputHandler(web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")

        def _resolve(self, raw: str) -> Path | None:
            rel = unquote(raw)
            if "\x00" in rel or "\\" in rel or rel.startswith("/") or any(seg in ("..", ".") for seg in rel.split("/")):
                return None
            path = (preview.output / rel).resolve()
            if not path.is_relative_to(preview.output):
                return None
            if path.is_dir():
                path = path / "index.html"
            return path if path.is_file() else None

        def get(self, raw: str) -> None:
            path = self._resolve(raw)
            data = None
            if path is None:  # (a folder is served as its index.html, with or without the slash)
                self.set_status(404)
                path = preview.output / "404.html"
                if not path.is_file():
                    data = NO_SITE_YET
            if data is None:
                data = path.read_bytes()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind == "text/html":
                page = data.decode("utf-8", "replace")
                extra = script + (overlay_html(preview.problems) if preview.problems else "")
                page = page.replace("</body>", extra + "</body>", 1) if "</body>" in page else page + extra
                data = page.encode("utf-8")
                kind += "; charset=utf-8"
            self.set_header("Content-Type", kind)
            self.finish(data)

    LiveReloadHandler.live_css = False
    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload.js", LiveReloadJSHandler),
        (r"/(.*)", OutputHandler),
    ])


def _reload_browsers() -> None:
    from livereload.handlers import LiveReloadHandler

    message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except Exception:  # a closed tab
            LiveReloadHandler.waiters.discard(waiter)


class _Watcher:
    """Turns bursts of file events into one rebuild, then one reload."""

    def __init__(self, preview: Preview, loop, content_dir: Path) -> None:  # noqa: ANN001
        self.preview, self.loop = preview, loop
        self.content_dir = str(content_dir)
        self.pending = threading.Event()
        self.last_event = 0.0
        # The article files the events since the last rebuild named; None when some event in the content
        # folder was not about one article file (a folder moved, a photo changed): then every file is
        # looked at. Either way the index pass, once edits pause, looks at every file again.
        self.touched: set[str] | None = set()
        self.touched_lock = threading.Lock()

    def on_event(self, event) -> None:  # noqa: ANN001
        paths = [str(p) for p in (getattr(event, "src_path", ""), getattr(event, "dest_path", "")) if p]
        if event.event_type in ("opened", "closed_no_write") or event.is_directory and event.event_type == "modified":
            return
        if any(is_relevant(p) for p in paths):
            with self.touched_lock:
                for p in paths:
                    if os.path.relpath(p, self.content_dir).startswith("..") or not is_relevant(p):
                        continue  # the theme or the config (no article changed), or an editor's temporary file
                    if event.is_directory or not p.endswith(".md"):
                        self.touched = None
                    elif self.touched is not None and is_article_path(p, self.content_dir):
                        self.touched.add(p)
            self.last_event = time.monotonic()
            self.pending.set()

    def take_touched(self) -> set[str] | None:
        with self.touched_lock:
            touched, self.touched = self.touched, set()
        return touched

    def run(self) -> None:
        while True:
            if not self.pending.wait(INDEX_QUIET if self.preview.index_stale else None):
                self.preview.update_index(cancelled=self.pending.is_set)
                continue
            while time.monotonic() - self.last_event < QUIET:
                time.sleep(QUIET / 4)
            self.pending.clear()
            if self.preview.rebuild(index_search=False, touched=self.take_touched()):
                self.loop.add_callback(_reload_browsers)


def serve(root: Path, host: str, port: int, output: Path, drafts: bool) -> int:
    from tornado.ioloop import IOLoop
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    try:
        config = load_config(root)
    except AkhbarError:
        # A broken site_config.toml must not keep the preview from starting: each build reads it again,
        # shows its problems on every page, and the default folders are watched until it is fixed.
        config = SiteConfig(root=root)
    if not is_loopback(host):
        print(f"warning: serving on {host}: anyone who can reach this machine can read the preview", file=sys.stderr)
    preview = Preview(config, host, port, output, drafts)
    preview.rebuild()
    if preview.state is None and not (preview.output / "index.html").exists():
        print("fix the problems above; the preview starts once the site builds", file=sys.stderr)

    app = _make_app(preview)
    app.listen(port, address=host)
    loop = IOLoop.current()
    watcher = _Watcher(preview, loop, config.content_dir)

    class Handler(FileSystemEventHandler):
        def __init__(self, only: str | None = None) -> None:
            self.only = only

        def on_any_event(self, event) -> None:  # noqa: ANN001
            names = {Path(str(p)).name for p in (event.src_path, getattr(event, "dest_path", "")) if p}
            if self.only is None or self.only in names:
                watcher.on_event(event)

    observer = Observer()
    for watched in (config.content_dir, config.root / "themes"):
        if watched.is_dir():
            observer.schedule(Handler(), str(watched), recursive=True)
    # The project folder itself also holds output/: of its direct children only the config matters.
    observer.schedule(Handler(only=CONFIG_NAME), str(config.root), recursive=False)
    words = config.normalize.words
    if words and not words.resolve().is_relative_to(config.content_dir.resolve()):
        observer.schedule(Handler(only=words.name), str(words.parent), recursive=False)  # the word list
    observer.start()
    threading.Thread(target=watcher.run, daemon=True, name="akhbar-rebuild").start()
    print(f"serving http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
    return 0
