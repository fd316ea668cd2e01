"""«نظر شما» with a real Isso server and a real reader in headless Chromium, all on 127.0.0.1.

A copy of the sample site is built with `[comments] provider = "isso"` pointing at an Isso started here
(the version `make test` installs into .tools/isso-venv, or `ISSO=/path/to/isso`) with moderation on,
a throw-away database and the static host's origin allowed. A reader writes a Persian comment; it stays
hidden until a moderator approves it through the approve link Isso itself logs (its signed
`/id/<id>/activate/<key>` route); then it shows, right to left, under that article only. Without Isso or
Chromium the tests skip, except under CI=true (see browser.py).
"""

from __future__ import annotations

import functools
import http.client
import http.server
import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import unavailable
from live_server import StaticHost, copy_sample, free_port

from akhbar.cli import main

REPO = Path(__file__).resolve().parents[1]
ISSO = Path(os.environ.get("ISSO", REPO / ".tools/isso-venv/bin/isso"))
ARTICLE = "news/qazvin-roads-council/"
OTHER = "news/tabriz-maragheh-freeway/"
COMMENT = "این راه برای روستاهای ما بسیار مهم است؛ سپاس از پیگیری‌تان. <img src=x onerror=alert(1)>"
AUTHOR = "مریم"
TIMEOUT_MS = 15_000


class Isso:
    """`isso -c CFG run` in a subprocess, its log (where it prints each new comment's approve link) kept."""

    def __init__(self, cfg: Path, port: int) -> None:
        self.cfg, self.port = cfg, port
        self.log: list[str] = []
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> Isso:
        self.proc = subprocess.Popen([str(ISSO), "-c", str(self.cfg), "run"], cwd=self.cfg.parent,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, encoding="utf-8", errors="replace")
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}config", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.__exit__()
                raise AssertionError("Isso did not start:\n" + "\n".join(self.log))
            time.sleep(0.2)

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line.rstrip("\n"))

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def logged(self, pattern: str, timeout: float = 10) -> re.Match:
        """The first log line matching `pattern`, waiting for it: Isso's output reaches the log through a
        pipe and a thread, a moment after Isso answered the request that made it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.log):
                if m := re.search(pattern, line):
                    return m
            time.sleep(0.1)
        raise AssertionError(f"Isso logged no line matching {pattern!r}:\n" + "\n".join(self.log))

    def approve_link(self, comment_id: int) -> str:
        return self.logged(rf"Activate comment: (http://\S+/id/{comment_id}/activate/\S+)").group(1)


def isso_cfg(folder: Path, port: int, site_origin: str, endpoint: str | None = None) -> Path:
    """The repository's comments/isso.cfg with this test's database, port and site origin."""
    text = (REPO / "comments/isso.cfg").read_text(encoding="utf-8")
    for key, value in (("dbpath", str(folder / "comments.db")), ("host", site_origin),
                       ("listen", f"http://127.0.0.1:{port}/"),
                       ("public-endpoint", endpoint or f"http://127.0.0.1:{port}")):
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert n == 1, key
    cfg = folder / "isso.cfg"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def build_sample(folder: Path, comments_url: str) -> tuple[Path, Path]:
    """A copy of the sample project, its `[comments] url` set to `comments_url`, built: (project, output)."""
    root = copy_sample(folder / "project")
    config = root / "site_config.toml"
    text, n = re.subn(r'(?m)^url = .*$', f'url = "{comments_url}"', config.read_text(encoding="utf-8"))
    assert n == 1 and 'provider = "isso"' in text, "the sample's [comments] table changed"
    config.write_text(text, encoding="utf-8")
    output = folder / "output"
    # One process: the tests have threads running (servers, log readers), and forking beside them is unsafe.
    assert main(["--root", str(root), "build", "--output", str(output), "--jobs", "1"]) == 0
    return root, output


@pytest.fixture(scope="module")
def comments_site(tmp_path_factory, browser):  # noqa: ANN001, ANN201 (browser first: it decides skip or fail)
    if not (ISSO.is_file() and os.access(ISSO, os.X_OK)):
        unavailable(f"{ISSO} is missing (make test installs Isso into .tools/isso-venv)", "the comment tests")
    folder = tmp_path_factory.mktemp("comments")
    port = free_port()
    root, output = build_sample(folder, f"http://127.0.0.1:{port}/")
    with StaticHost(output) as host, Isso(isso_cfg(folder, port, host.url.rstrip("/")), port) as isso:
        yield root, host, isso


def reader(browser):  # noqa: ANN001, ANN201
    """A new reader (own cookies), with every request the page makes recorded in `page.requests`."""
    page = browser.new_context().new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def open_comments(page, url: str) -> None:  # noqa: ANN001
    page.goto(url)
    page.click("button.comments-open")
    page.wait_for_selector("#isso-thread .isso-postbox textarea", timeout=TIMEOUT_MS)
    page.wait_for_selector("#isso-thread .isso-thread-heading:not(:empty)", timeout=TIMEOUT_MS)


def shown_comments(page) -> list[str]:  # noqa: ANN001
    return [t.inner_text() for t in page.query_selector_all("#isso-thread #isso-root .isso-comment .isso-text")]


def off_loopback(requests: list[str]) -> list[str]:
    return [u for u in requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).hostname != "127.0.0.1"]


def test_the_widget_loads_only_when_the_reader_opens_it(browser, comments_site):
    _, host, isso = comments_site
    page = reader(browser)
    page.goto(host.url + ARTICLE)
    button = page.locator("button.comments-open")
    button.wait_for(state="visible")
    assert button.inner_text() == "نظر شما" and button.get_attribute("aria-expanded") == "false"
    assert not page.locator("#isso-thread").is_visible()
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.requests if u.startswith(isso.url)], page.requests
    assert page.evaluate("() => typeof window.Isso") == "undefined"
    assert page.evaluate("() => document.cookie") == ""

    button.click()
    page.wait_for_selector("#isso-thread .isso-postbox textarea", timeout=TIMEOUT_MS)
    assert button.get_attribute("aria-expanded") == "true" and page.locator("#isso-thread").is_visible()
    embed = page.locator("script#isso-embed")
    assert embed.get_attribute("src") == isso.url + "js/embed.min.js"
    assert embed.get_attribute("data-isso") == isso.url and embed.get_attribute("data-isso-lang") == "fa"
    assert isso.url + "js/embed.min.js" in page.requests
    # Persian labels from Isso's own translation, laid out right to left.
    assert page.get_attribute(".isso-postbox textarea", "placeholder").startswith("نظر خود را")
    assert page.get_attribute("#isso-postbox-author", "placeholder") == "نام شما"  # not Isso's English "John Doe"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.isso-postbox')).direction") == "rtl"
    assert not off_loopback(page.requests) and not page.errors, (page.requests, page.errors)

    button.click()  # and closes again, without loading anything twice
    assert not page.locator("#isso-thread").is_visible()
    assert page.locator("script#isso-embed").count() == 1


def test_a_comment_shows_only_after_a_moderator_approves_it(browser, comments_site, cli):
    root, host, isso = comments_site
    requests: list[str] = []

    page = reader(browser)
    open_comments(page, host.url + ARTICLE)
    page.fill(".isso-postbox textarea", COMMENT)
    page.fill("#isso-postbox-author", AUTHOR)
    with page.expect_response(lambda r: "/new?" in r.url and r.request.method == "POST") as posted:
        page.click(".isso-postbox input[type=submit]")
    response = posted.value
    assert response.status == 202, response.text()  # 202: accepted into the moderation queue
    comment = json.loads(response.text())
    assert comment["mode"] == 2 and comment["author"] == AUTHOR
    assert urlsplit(response.url).query.endswith("uri=" + "%2F" + ARTICLE.replace("/", "%2F"))
    headline = page.inner_text("h1")  # the thread Isso made is titled with it (data-title)
    isso.logged(r"new thread \d+: " + re.escape(headline) + "$")
    requests += page.requests

    # Another reader, and the same one after reloading: nothing shows while it waits for a moderator.
    for someone in (reader(browser), page):
        open_comments(someone, host.url + ARTICLE)
        assert shown_comments(someone) == []
        assert someone.inner_text(".isso-thread-heading") == "هنوز نظری نوشته نشده است"
        requests += someone.requests

    # The moderator follows the approve link Isso printed (with notify = smtp it is in the moderators' mail).
    link = isso.approve_link(comment["id"])
    assert urlsplit(link).path.startswith(f"/id/{comment['id']}/activate/")
    forged = re.sub(r"/activate/.*", "/activate/not-the-key", link)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(forged, method="POST"), timeout=10)
    assert refused.value.code == 403
    with urllib.request.urlopen(urllib.request.Request(link, method="POST"), timeout=10) as answer:
        assert answer.status == 200 and b"activated" in answer.read()

    page = reader(browser)
    open_comments(page, host.url + ARTICLE)
    page.wait_for_selector("#isso-root .isso-comment", timeout=TIMEOUT_MS)
    texts = shown_comments(page)
    assert len(texts) == 1 and texts[0].startswith("این راه برای روستاهای ما بسیار مهم است")
    assert "<img src=x onerror=alert(1)>" in texts[0]  # shown as text, as Isso escapes it, never as markup
    assert page.locator("#isso-root .isso-text img").count() == 0
    assert page.inner_text("#isso-root .isso-author") == AUTHOR
    text = page.locator("#isso-root .isso-text").first
    assert text.evaluate("e => getComputedStyle(e).direction") == "rtl"
    requests += page.requests

    # On that article only.
    page = reader(browser)
    open_comments(page, host.url + OTHER)
    assert shown_comments(page) == []
    requests += page.requests

    assert not off_loopback(requests), off_loopback(requests)
    assert any(u.startswith(isso.url) for u in requests) and any(u.startswith(host.url) for u in requests)

    # What readers write lives in Isso's database only: a build of the site never contains it.
    rebuilt = root.parent / "rebuilt"
    run = cli("--root", root, "build", "--output", rebuilt, "--jobs", "1")
    assert run.code == 0, run.err
    for path in rebuilt.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".js"):
            assert "روستاهای ما" not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_widget_has_no_serious_accessibility_violation(browser, comments_site, scheme):
    from test_accessibility import axe_source, severe_violations

    _, host, _ = comments_site
    page = browser.new_context(color_scheme=scheme).new_page()
    open_comments(page, host.url + ARTICLE)
    if os.environ.get("COMMENTS_SCREENSHOT"):
        page.locator("section.comments").screenshot(path=f"{os.environ['COMMENTS_SCREENSHOT']}-{scheme}.png")
    found = severe_violations(page, axe_source())
    assert not found, "\n".join(found)


def test_without_javascript_the_section_says_so_and_an_unreachable_server_is_reported(browser, comments_site):
    _, host, isso = comments_site
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(host.url + ARTICLE)
    assert not page.locator("button.comments-open").is_visible()  # no button that would do nothing
    assert "جاوااسکریپت" in page.inner_text("section.comments")

    page = reader(browser)
    page.route(isso.url + "**", lambda route: route.abort("connectionrefused"))  # the comment server is down
    page.goto(host.url + ARTICLE)
    page.click("button.comments-open")
    page.wait_for_function("() => document.querySelector('.comments-status').textContent", timeout=TIMEOUT_MS)
    assert "در دسترس نیست" in page.inner_text(".comments-status")


# ----------------------------------------------------------------------------- behind the site's own host


class _SameHostHandler(http.server.SimpleHTTPRequestHandler):
    """The README's nginx block: /comments/… goes to Isso with `X-Script-Name: /comments`, the rest is output/."""

    isso_port = 0

    def _proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        headers.update({"X-Script-Name": "/comments", "X-Forwarded-For": self.client_address[0]})
        conn = http.client.HTTPConnection("127.0.0.1", self.isso_port, timeout=10)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        finally:
            conn.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, fallback) -> None:  # noqa: ANN001
        if self.path.startswith("/comments/"):
            self._proxy()
        else:
            fallback()

    def do_GET(self) -> None:  # noqa: N802
        self._route(super().do_GET)

    def do_POST(self) -> None:  # noqa: N802
        self._route(lambda: self.send_error(405))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_behind_the_sites_own_host_at_comments(browser, tmp_path):
    """The README's way to publish: one origin serves the site and, at /comments/, Isso."""
    if not (ISSO.is_file() and os.access(ISSO, os.X_OK)):
        unavailable(f"{ISSO} is missing (make test installs Isso into .tools/isso-venv)", "the comment tests")
    isso_port = free_port()
    output = tmp_path / "output"
    handler = type("Handler", (_SameHostHandler,), {"isso_port": isso_port})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(output)))
    origin = f"http://127.0.0.1:{server.server_address[1]}"  # bound now, served once built (the build forks)
    try:
        build_sample(tmp_path, f"{origin}/comments/")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with Isso(isso_cfg(tmp_path, isso_port, origin, f"{origin}/comments"), isso_port) as isso:
            page = reader(browser)
            open_comments(page, f"{origin}/{ARTICLE}")
            page.fill(".isso-postbox textarea", "نظر از همان نشانی سایت")
            with page.expect_response(lambda r: "/new?" in r.url) as posted:
                page.click(".isso-postbox input[type=submit]")
            assert posted.value.status == 202
            link = isso.approve_link(json.loads(posted.value.text())["id"])
            assert link.startswith(f"{origin}/comments/id/")  # the moderator's link goes through the site's host too
            with urllib.request.urlopen(urllib.request.Request(link, method="POST"), timeout=10) as answer:
                assert answer.status == 200
            open_comments(page, f"{origin}/{ARTICLE}")
            page.wait_for_selector("#isso-root .isso-comment", timeout=TIMEOUT_MS)
            assert shown_comments(page) == ["نظر از همان نشانی سایت"]
            assert {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in page.requests} == {origin}
            assert f"{origin}/comments/js/embed.min.js" in page.requests
    finally:
        server.shutdown()
        server.server_close()
