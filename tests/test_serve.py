"""`serve`, the live preview (issue 4): its helpers, and a real server in a subprocess.

The subprocess tests run `python build.py --root <copy> serve --port <free>` on a private copy of the
sample project (with its word list), talk to it over HTTP with exact request paths, and count the
"rebuilt in" lines it prints on stdout (one per rebuild; the first build prints one too).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from live_server import LiveServer, copy_sample

from akhbar.errors import Problem
from akhbar.serve import is_loopback, is_relevant, overlay_html

ARTICLE = "content/1403/nowruz-road-safety.md"
ARTICLE_URL = "/news/nowruz-road-safety/"
ARTICLE_TITLE = "کاهش ۱۴ درصدی تلفات جاده‌ای در نوروز ۱۴۰۳"
NOT_FOUND_H1 = "<h1>صفحه پیدا نشد</h1>"
OVERLAY_ID = 'id="akhbar-error-overlay"'
QUIET_SPELL = 2.0  # seconds to watch for rebuilds that should not (or no longer) come


# ----------------------------------------------------------------------------- is_relevant


@pytest.mark.parametrize("path", [
    "content/1403/.nowruz-road-safety.md.swp",  # vim swap
    "content/1403/.nowruz-road-safety.md.swx",
    "content/1403/.nowruz-road-safety.md.swo",
    "content/1403/nowruz-road-safety.md~",  # vim/emacs backup
    "content/1403/.#nowruz-road-safety.md",  # emacs lock
    "content/1403/#nowruz-road-safety.md#",  # emacs auto-save
    "content/1403/4913",  # vim's write probe
    "content/1403/.nowruz-road-safety.md.tmp",
    "content/1403/nowruz-road-safety.md.tmp",
    "content/1403/nowruz-road-safety.md.bak",
    "themes/default/templates/.article.html.swp",
    "themes/default/templates/article.html~",
    "site_config.toml~",
    "/home/editor/site/content/.git/index.lock",
    "/home/editor/site/themes/default/__pycache__/x.pyc",
])
def test_editor_and_vcs_temporary_files_are_ignored(path: str) -> None:
    assert not is_relevant(path)


@pytest.mark.parametrize("path", [
    "content/1403/nowruz-road-safety.md",
    "/home/editor/site/content/1399/covid-19-public-transport.md",
    "content/1403",  # a folder of articles renamed or deleted
    "themes/default/templates/article.html",
    "themes/default/templates/_macros.html",
    "themes/default/static/css/site.css",
    "site_config.toml",
])
def test_sources_templates_and_config_are_relevant(path: str) -> None:
    assert is_relevant(path)


# ----------------------------------------------------------------------------- is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "2001:db8::1", "example.ir", ""])
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback(host)


# ----------------------------------------------------------------------------- overlay_html


def overlay_of(html_parse, problems: list[Problem]):
    page = html_parse("overlay", overlay_html(problems))
    assert not page.errors, page.errors
    overlay = page.root.find("div", id="akhbar-error-overlay")
    assert overlay is not None
    return overlay


def test_overlay_is_rtl_persian_and_names_path_and_line(html_parse) -> None:
    overlay = overlay_of(html_parse, [
        Problem("content/1403/x.md", 3, "front matter is not valid YAML", fa="مشخصات خبر خوانا نیست."),
        Problem("site_config.toml", None, "page_size must be a whole number above 0"),
    ])
    assert overlay.get("dir") == "rtl" and overlay.get("lang") == "fa" and overlay.get("role") == "alert"
    items = overlay.find_all("li")
    assert len(items) == 2
    first, second = items
    assert first.find("code").clean_text() == "content/1403/x.md:3"
    assert first.find("p", lang="en").clean_text() == "front matter is not valid YAML"
    assert "مشخصات خبر خوانا نیست." in first.clean_text()
    assert second.find("code").clean_text() == "site_config.toml"  # no line: no ":None"
    # Without a Persian message the reader still gets a Persian line.
    persian = [p for p in second.find_all("p") if p.get("lang") != "en"]
    assert persian and re.search(r"[\u0600-\u06FF]", persian[0].clean_text())
    assert "Build error" in overlay.clean_text() and "خطا در ساخت سایت" in overlay.clean_text()


def test_overlay_escapes_html_in_paths_and_messages(html_parse) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    html = overlay_html([Problem(f"content/{hostile}.md", 2, f"bad value {hostile} & more", fa=f"ناخوانا {hostile}")])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp; more" in html
    overlay = overlay_of(html_parse, [Problem("content/a<b>.md", 1, "x < y & z", fa="الف < ب")])
    assert overlay.find("code").clean_text() == "content/a<b>.md:1"
    assert overlay.find("p", lang="en").clean_text() == "x < y & z"
    assert [n.tag for n in overlay.iter()].count("b") == 0


# ----------------------------------------------------------------------------- a real server


def listening_address(port: int) -> str | None:
    """The local address a socket listens on for `port`, from /proc/net/tcp ('0100007F' is 127.0.0.1)."""
    table = Path("/proc/net/tcp")
    if not table.exists():
        return None
    for line in table.read_text().splitlines()[1:]:
        fields = line.split()
        address, hex_port = fields[1].split(":")
        if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
            return address
    return None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the sample project (with the word list its config names)."""
    return copy_sample(tmp_path / "site")


@pytest.fixture(scope="module")
def site_server(tmp_path_factory: pytest.TempPathFactory):
    """One server for the tests that only read: no --host, so the default address."""
    live = LiveServer(copy_sample(tmp_path_factory.mktemp("serve") / "site"))
    try:
        yield live.start()
    finally:
        live.stop()


@pytest.fixture
def server(project: Path):
    """A server of its own, for a test that edits the project."""
    live = LiveServer(project)
    try:
        yield live.start()
    finally:
        live.stop()


def html_of(body: bytes) -> str:
    return body.decode("utf-8")


def test_binds_to_loopback_by_default(site_server: LiveServer) -> None:
    server = site_server
    assert server.wait_for(r"^serving ").startswith(f"serving http://127.0.0.1:{server.port}/")
    assert "warning" not in server.stderr
    address = listening_address(server.port)
    if address is not None:
        assert address == "0100007F", "serve listens on more than the loopback address"


def test_non_loopback_host_prints_a_warning(project: Path) -> None:
    with LiveServer(project, "0.0.0.0") as live:
        warning = live.wait_for(r"warning", stream="err")
        assert "0.0.0.0" in warning
        assert live.alive


def test_serves_the_site(site_server: LiveServer) -> None:
    server = site_server
    status, headers, body = server.get("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    status, _, body = server.get(ARTICLE_URL)
    assert status == 200 and f"<h1>{ARTICLE_TITLE}</h1>" in html_of(body)
    assert "/livereload.js" in html_of(body) and OVERLAY_ID not in html_of(body)
    status, headers, body = server.get("/static/css/site.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert body == (server.root / "themes/default/static/css/site.css").read_bytes()
    status, _, body = server.get("/tags/" + quote("ایمنی-راه-ها") + "/")
    assert status == 200 and "ایمنی" in html_of(body)


def assert_is_the_404_page(server: LiveServer, path: str, status: int, body: bytes, secrets: tuple[str, ...] = ()) -> None:
    html = html_of(body)
    for secret in secrets:
        assert secret not in html, f"{path} leaked a file from outside output/"
    assert status == 404, f"{path} answered {status}"
    page = (server.root / "output/404.html").read_text(encoding="utf-8")
    assert NOT_FOUND_H1 in page
    assert html.startswith(page.split("</body>")[0]), f"{path} did not answer with the site's 404 page"


def test_paths_outside_the_output_folder_are_404(site_server: LiveServer) -> None:
    server = site_server
    root = server.root
    token = f"SECRET-{uuid.uuid4().hex}"
    (root / "secret.txt").write_text(token + "\n", encoding="utf-8")
    # Links planted inside output/ that lead outside it are not followed either.
    planted = [root / "output" / "leak.txt", root / "output" / "leakdir"]
    planted[0].symlink_to(root / "secret.txt")
    planted[1].symlink_to(root)
    try:
        _assert_nothing_leaks(server, root, token)
    finally:
        for link in planted:
            link.unlink()


def _assert_nothing_leaks(server: LiveServer, root: Path, token: str) -> None:
    secrets = (token, "root:x:0:", "[normalize]", "page_size")
    absolute = quote(str(root / "secret.txt"))
    paths = [
        "/../secret.txt", "/../site_config.toml", "/../../../../../../etc/passwd",
        "/static/../../secret.txt", "/news/nowruz-road-safety/../../../secret.txt",
        "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
        "/..%2fsecret.txt", "/..%2Fsite_config.toml", "/%2e%2e%2fsecret.txt", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/news/%2e%2e/%2e%2e/secret.txt", "/static/..%2f..%2fsecret.txt", "/..%5csecret.txt",
        "/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt",
        "//etc/passwd", "/%2fetc/passwd", "/%2Fetc%2Fpasswd", "/" + absolute, "/%2f" + absolute.lstrip("/"),
        "/leak.txt", "/leakdir/secret.txt", "/leakdir/site_config.toml",
        "/%2e%2e", "/%2e%2e/", "/news/..",
    ]
    for path in paths:
        status, _, body = server.get(path)
        assert_is_the_404_page(server, path, status, body, secrets)
    assert server.alive


@pytest.mark.parametrize("path", [
    "/no-such-page", "/no-such-page/", "/news/no-such-article/", "/static/css/missing.css",
    "/tags/" + quote("برچسب-ناموجود") + "/", "/page/99/",
])
def test_missing_paths_get_the_sites_404_page(site_server: LiveServer, path: str) -> None:
    server = site_server
    status, headers, body = server.get(path)
    assert headers["content-type"].startswith("text/html")
    assert_is_the_404_page(server, path, status, body)


# ----------------------------------------------------------------------------- editor saves


def title_line(title: str) -> str:
    return f'title: "{title}"'


def retitled(path: Path, title: str) -> str:
    text, n = re.subn(r'(?m)^title: ".*"$', title_line(title), path.read_text(encoding="utf-8"), count=1)
    assert n == 1
    return text


def settle_and_count(server: LiveServer, base: int, seconds: float = QUIET_SPELL) -> int:
    time.sleep(seconds)
    return server.rebuilds() - base


def h1_of(server: LiveServer) -> str:
    status, _, body = server.get(ARTICLE_URL)
    assert status == 200
    found = re.search(r"<h1>(.*?)</h1>", html_of(body))
    assert found
    return re.sub(r"</?bdi>", "", found.group(1))  # (Latin runs in a title are isolated in <bdi>)


def test_editor_swap_and_backup_files_cause_no_rebuild(server: LiveServer) -> None:
    folder = server.root / "content/1403"
    templates = server.root / "themes/default/templates"
    base = server.rebuilds()
    junk = [
        folder / ".nowruz-road-safety.md.swp", folder / ".nowruz-road-safety.md.swx",
        folder / "nowruz-road-safety.md~", folder / "#nowruz-road-safety.md#", folder / "nowruz-road-safety.md.bak",
        templates / ".article.html.swp", templates / "article.html~",
        server.root / ".site_config.toml.swp", server.root / "site_config.toml~",
    ]
    for path in junk:
        path.write_text("editor junk\n", encoding="utf-8")
    (folder / ".#nowruz-road-safety.md").symlink_to("editor@host.1234:1700000000")  # emacs's lock is a dangling link
    probe = folder / "4913"  # vim checks it may write in the folder
    probe.write_bytes(b"")
    probe.unlink()
    assert settle_and_count(server, base) == 0, f"swap/backup files caused rebuilds:\n{server.stdout}"

    for path in [*junk, folder / ".#nowruz-road-safety.md"]:
        path.unlink()
    assert settle_and_count(server, base) == 0, f"deleting swap/backup files caused rebuilds:\n{server.stdout}"

    # The watcher is alive: a real save still rebuilds, once.
    article = server.root / ARTICLE
    article.write_text(retitled(article, "پس از فایل‌های موقت"), encoding="utf-8")
    server.wait_rebuilds(base + 1)
    assert settle_and_count(server, base) == 1
    assert h1_of(server) == "پس از فایل‌های موقت"


ATOMIC_TEMP_NAMES = (
    ".goutputstream-7QX2Y1",  # gedit / GIO
    "nowruz-road-safety.md___jb_tmp___",  # JetBrains "safe write"
    ".nowruz-road-safety.md.tmp",
)


def test_an_atomic_save_rebuilds_exactly_once(server: LiveServer) -> None:
    """Write the whole file under a temporary name, then rename it over the article (one save each)."""
    article = server.root / ARTICLE
    for i, temp_name in enumerate(ATOMIC_TEMP_NAMES, 1):
        title = f"ذخیرهٔ اتمی {'۰۱۲۳'[i]}"
        temp = article.with_name(temp_name)
        base = server.rebuilds()

        temp.write_text(retitled(article, title), encoding="utf-8")
        os.replace(temp, article)

        server.wait_rebuilds(base + 1)
        count = settle_and_count(server, base)
        assert count == 1, f"one save through {temp_name}, {count} rebuilds:\n{server.stdout}"
        assert h1_of(server) == title


def test_a_vim_style_save_rebuilds_exactly_once(server: LiveServer) -> None:
    """vim (backupcopy=no): probe file, original renamed to a backup, new file written, backup deleted."""
    article = server.root / ARTICLE
    text = retitled(article, "ذخیره با vim")
    base = server.rebuilds()

    probe = article.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup = article.with_name(article.name + "~")
    article.rename(backup)
    article.write_text(text, encoding="utf-8")
    backup.unlink()

    server.wait_rebuilds(base + 1)
    assert settle_and_count(server, base) == 1, f"one save, several rebuilds:\n{server.stdout}"
    assert h1_of(server) == "ذخیره با vim"


def test_a_burst_of_quick_saves_rebuilds_once_or_twice(server: LiveServer) -> None:
    article = server.root / ARTICLE
    texts = [retitled(article, f"ذخیرهٔ پیاپی {i}") for i in range(1, 6)]
    base = server.rebuilds()

    started = time.monotonic()
    for text in texts:
        article.write_text(text, encoding="utf-8")
        time.sleep(0.008)
    assert time.monotonic() - started < 0.05 + 0.05, "the machine is too slow to write 5 saves quickly"

    server.wait_rebuilds(base + 1)
    count = settle_and_count(server, base)
    assert 1 <= count <= 2, f"5 quick saves caused {count} rebuilds:\n{server.stdout}"
    assert h1_of(server) == "ذخیرهٔ پیاپی ۵"


def test_template_static_and_config_edits_rebuild_through_the_watcher(server: LiveServer) -> None:
    root = server.root
    steps = [
        ("a template", lambda: (root / "themes/default/templates/article.html").write_text(
            (root / "themes/default/templates/article.html").read_text(encoding="utf-8").replace(
                "<h1>{{ article.title | isolate }}</h1>", '<h1 data-edited="yes">{{ article.title | isolate }}</h1>', 1),
            encoding="utf-8"),
         lambda: 'data-edited="yes"' in html_of(server.get(ARTICLE_URL)[2])),
        # (the renderer keeps the menu it rendered: a new _nav.html must not be served the old one)
        ("the menu's template", lambda: (root / "themes/default/templates/_nav.html").write_text(
            (root / "themes/default/templates/_nav.html").read_text(encoding="utf-8").replace(
                '<nav class="site-nav"', '<nav data-edited="menu" class="site-nav"', 1), encoding="utf-8"),
         lambda: 'data-edited="menu"' in html_of(server.get(ARTICLE_URL)[2])),
        ("a theme static file", lambda: _append(root / "themes/default/static/css/site.css", "\n/* edited */\n"),
         lambda: server.get("/static/css/site.css")[2].endswith(b"/* edited */\n")),
        ("site_config.toml, saved atomically", lambda: _atomic_config_title(root, "پیش‌نمایش تازه"),
         lambda: "پیش‌نمایش تازه" in html_of(server.get(ARTICLE_URL)[2])),
    ]
    for what, change, visible in steps:
        base = server.rebuilds()
        change()
        server.wait_rebuilds(base + 1)
        assert settle_and_count(server, base) == 1, f"editing {what}: not exactly one rebuild\n{server.stdout}"
        assert visible(), f"editing {what}: the change is not served"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def _atomic_config_title(root: Path, title: str) -> None:
    config = root / "site_config.toml"
    text, n = re.subn(r'(?m)^title = ".*"$', f'title = "{title}"', config.read_text(encoding="utf-8"), count=1)
    assert n == 1
    temp = root / ".site_config.toml.tmp"
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, config)


# ----------------------------------------------------------------------------- broken edits


def overlay_in(html: str, html_parse):
    page = html_parse("served", html)
    return page.root.find("div", id="akhbar-error-overlay")


BROKEN = [
    pytest.param(ARTICLE, lambda t: re.sub(r'(?m)^title: .*$', 'title: عنوان: با دونقطهٔ اضافه', t, count=1), 2,
                 "front matter is not valid YAML", "مشخصات خبر خوانا نیست", id="bad-yaml"),
    pytest.param(ARTICLE, lambda t: re.sub(r"(?m)^date: .*$", "date: 1402-12-30", t, count=1), 3,
                 "does not exist in the Jalali calendar", "تاریخ نادرست است", id="impossible-date"),
    pytest.param("themes/default/templates/article.html",
                 lambda t: t.replace("<h1>{{ article.title | isolate }}</h1>", "<h1>{{ article.title | isolate }</h1>", 1), 9,
                 "template error", "خطا در قالب سایت", id="template-error"),
]


@pytest.mark.parametrize(("rel", "breaking", "line", "english", "persian"), BROKEN)
def test_a_broken_edit_shows_an_overlay_on_every_page_until_it_is_fixed(
        server: LiveServer, html_parse, rel: str, breaking, line: int, english: str, persian: str) -> None:
    path = server.root / rel
    good = path.read_text(encoding="utf-8")
    broken = breaking(good)
    assert broken != good
    pages = {"/": 200, ARTICLE_URL: 200, "/tags/": 200, "/page/2/": 200, "/no-such-page/": 404}
    before = {url: server.get(url)[2] for url in pages}
    failures = server.stderr.count("keeps showing the last good build")
    base = server.rebuilds()

    path.write_text(broken, encoding="utf-8")
    deadline = time.monotonic() + 20
    while server.stderr.count("keeps showing the last good build") == failures:
        assert time.monotonic() < deadline, f"the broken edit was not reported:\n{server.stderr}"
        time.sleep(0.05)
    assert server.wait_for(re.escape(f"{rel}:{line}:"), stream="err")

    for url, status in pages.items():
        got, _, body = server.get(url)
        html = html_of(body)
        assert got == status, f"{url}: the site went away ({got})"
        overlay = overlay_in(html, html_parse)
        assert overlay is not None, f"{url}: no error overlay while the build is broken"
        assert overlay.get("dir") == "rtl"
        text = overlay.clean_text()
        assert f"{rel}:{line}" in text and english in text and persian in text, text
        # Underneath, the last good page, unchanged.
        assert html.split('<div id="akhbar-error-overlay"')[0] == html_of(before[url]).split("</body>")[0]
    assert server.alive and server.rebuilds() == base

    path.write_text(good, encoding="utf-8")
    server.wait_rebuilds(base + 1)
    for url, status in pages.items():
        got, _, body = server.get(url)
        assert got == status and OVERLAY_ID not in html_of(body), f"{url}: the overlay stayed after the fix"
    assert h1_of(server) == ARTICLE_TITLE


def test_a_site_that_never_built_shows_the_overlay_until_it_is_fixed(project: Path, html_parse) -> None:
    """The first build fails and there is no output yet: pages still carry the overlay and the reload
    script (not a bare "404"), so an open tab turns into the site by itself once the file is fixed."""
    article = project / ARTICLE
    good = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r"(?m)^title: .*$", "title: عنوان: با دونقطهٔ اضافه", good, count=1), encoding="utf-8")
    assert not (project / "output").exists()
    with LiveServer(project) as live:
        live.wait_for(r"the preview starts once the site builds", stream="err")
        assert live.rebuilds() == 0
        for url in ("/", ARTICLE_URL):
            status, headers, body = live.get(url)
            html = html_of(body)
            assert status == 404 and headers["content-type"].startswith("text/html")
            overlay = overlay_in(html, html_parse)
            assert overlay is not None, f"{url}: no overlay before the first good build: {html[:200]!r}"
            assert overlay.get("dir") == "rtl" and f"{ARTICLE}:2" in overlay.clean_text()
            assert "/livereload.js" in html

        article.write_text(good, encoding="utf-8")
        live.wait_rebuilds(1)
        status, _, body = live.get(ARTICLE_URL)
        assert status == 200 and OVERLAY_ID not in html_of(body)
        assert f"<h1>{ARTICLE_TITLE}</h1>" in html_of(body)


def test_a_broken_site_config_at_start_still_serves_the_last_build_under_the_overlay(project: Path, html_parse, cli) -> None:
    """The server starts whatever the config says: the last good output, with the config's problem on
    top of every page, until the file is fixed."""
    assert cli("--root", project, "build", "--jobs", "1").code == 0  # (no fork: this process has threads)
    config = project / "site_config.toml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("title = ", "title = = ", 1), encoding="utf-8")  # not TOML any more
    with LiveServer(project) as live:
        status, _, body = live.get(ARTICLE_URL)
        html = html_of(body)
        assert status == 200 and f"<h1>{ARTICLE_TITLE}</h1>" in html  # the last good page, still there
        overlay = overlay_in(html, html_parse)
        assert overlay is not None and "site_config.toml:" in overlay.clean_text(), html[:300]
        base = live.rebuilds()
        config.write_text(good, encoding="utf-8")
        live.wait_rebuilds(base + 1)
        status, _, body = live.get(ARTICLE_URL)
        assert status == 200 and OVERLAY_ID not in html_of(body)


def test_the_watcher_names_the_article_files_a_burst_touched(tmp_path: Path) -> None:
    """A save's rebuild looks only at the article files the events named; any other event in the content
    folder (a photo, a folder) makes it look at every file."""
    from types import SimpleNamespace

    from akhbar.serve import _Watcher

    content = tmp_path / "content"

    def event(kind: str, src: Path, dest: Path | None = None, folder: bool = False) -> SimpleNamespace:
        return SimpleNamespace(event_type=kind, src_path=str(src), dest_path=str(dest) if dest else "", is_directory=folder)

    watcher = _Watcher(preview=None, loop=None, content_dir=content)
    watcher.on_event(event("modified", content / "1403/a.md"))
    watcher.on_event(event("moved", content / "1403/.a.md.swp", content / "1403/b.md"))  # a safe-write rename
    watcher.on_event(event("modified", content / "1403/.a.md.swp"))  # the editor's swap file alone: nothing
    watcher.on_event(event("modified", content / ".drafts/c.md"))  # a hidden folder: not an article
    watcher.on_event(event("modified", tmp_path / "themes/default/templates/base.html"))  # not an article
    assert watcher.pending.is_set()
    assert watcher.take_touched() == {str(content / "1403/a.md"), str(content / "1403/b.md")}
    assert watcher.take_touched() == set()

    watcher.on_event(event("modified", content / "1403/a.md"))
    watcher.on_event(event("created", content / "1403/photo.jpg"))
    assert watcher.take_touched() is None
    watcher.on_event(event("moved", content / "1403", content / "1404", folder=True))
    assert watcher.take_touched() is None
