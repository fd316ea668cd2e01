"""A real `python build.py serve` in a subprocess, for the preview tests (test_serve.py, browser tests),
and `StaticHost`, a built output folder served the way a static host serves it.

Not a test module: import it as `from live_server import LiveServer, StaticHost, free_port`. The
server's output is read by two threads, so tests can wait for a line ("serving http://…", a problem on
stderr) and count the "rebuilt in" lines serve prints on stdout, one per rebuild. The process is always
killed on exit.
"""

from __future__ import annotations

import functools
import http.client
import http.server
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REBUILT = "rebuilt in "


def copy_sample(dest: Path) -> Path:
    """A private copy of the sample project: content/, themes/, site_config.toml and the files the config
    names (the `[normalize] words` list), so the copy builds exactly like the repository."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy2(REPO / "site_config.toml", dest / "site_config.toml")
    words = tomllib.loads((REPO / "site_config.toml").read_text(encoding="utf-8")).get("normalize", {}).get("words")
    if isinstance(words, str) and (REPO / words).is_file():
        (dest / words).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / words, dest / words)
    return dest


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, root: Path, host: str | None = None, *extra: str) -> None:
        self.root, self.host, self.extra = root, host, extra
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = threading.Condition()

    # ------------------------------------------------------------------------- life cycle

    def start(self, timeout: float = 90) -> LiveServer:
        """Start on a free port (retried if another process takes it first) and wait until it answers."""
        for _attempt in range(3):
            self._spawn()
            try:
                self.wait_for(r"^serving http://", timeout=timeout)
            except AssertionError:
                if self.proc is not None and self.proc.poll() is not None and "Address already in use" in self.stderr:
                    continue
                self.stop()
                raise
            self._wait_answers(timeout)
            return self
        raise AssertionError(f"serve could not get a free port:\n{self.stderr}")

    def _spawn(self) -> None:
        self.stop()
        self.port = free_port()
        self.out, self.err = [], []
        argv = [sys.executable, str(REPO / "build.py"), "--root", str(self.root), "serve", "--port", str(self.port)]
        if self.host is not None:
            argv += ["--host", self.host]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
        self.proc = subprocess.Popen([*argv, *self.extra], cwd=self.root, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     encoding="utf-8", errors="replace", env=env)
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    def _pump(self, stream, sink: list[str]) -> None:  # noqa: ANN001
        for line in stream:
            with self._changed:
                sink.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _wait_answers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.get("/")  # any answer will do: before a first good build there is only a 404
                return
            except OSError:
                pass
            if time.monotonic() > deadline or not self.alive:
                raise AssertionError(f"serve never answered on port {self.port}:\n{self.stderr}")
            time.sleep(0.1)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ------------------------------------------------------------------------- output

    @property
    def stdout(self) -> str:
        with self._changed:
            return "\n".join(self.out)

    @property
    def stderr(self) -> str:
        with self._changed:
            return "\n".join(self.err)

    def rebuilds(self) -> int:
        """How many "rebuilt in" lines serve has printed (the first build counts as one)."""
        with self._changed:
            return sum(line.startswith(REBUILT) for line in self.out)

    def wait_for(self, pattern: str, stream: str = "out", timeout: float = 20) -> str:
        """The first line of stdout ("out") or stderr ("err") matching `pattern`; fail after `timeout`."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        exited_at = None
        with self._changed:
            while True:
                for line in self.out if stream == "out" else self.err:
                    if rx.search(line):
                        return line
                now = time.monotonic()
                if exited_at is None and (self.proc is None or self.proc.poll() is not None):
                    exited_at = now  # give the reader threads a moment to drain the pipes
                if now > deadline or exited_at is not None and now - exited_at > 1:
                    raise AssertionError(f"no line matching {pattern!r} on std{stream} within {timeout} s\n"
                                         f"stdout:\n{chr(10).join(self.out)}\nstderr:\n{chr(10).join(self.err)}")
                self._changed.wait(0.2)

    def wait_rebuilds(self, count: int, timeout: float = 20) -> None:
        """Wait until at least `count` "rebuilt in" lines have been printed."""
        deadline = time.monotonic() + timeout
        while self.rebuilds() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} rebuild line(s) within {timeout} s, saw {self.rebuilds()}\n"
                                     f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}")
            time.sleep(0.05)

    # ------------------------------------------------------------------------- HTTP

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, raw_path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
        """GET exactly `raw_path` (no normalization of `..` or percent escapes): status, headers, body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", raw_path)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()


class StaticHost:
    """`folder` served on a free loopback port under `prefix` (the path of the site's base_url), as the
    README asks of a host: files as they are, a folder as its index.html, 404.html for anything missing."""

    def __init__(self, folder: Path, prefix: str = "/") -> None:
        self.folder, self.prefix = Path(folder), prefix
        self._server: http.server.ThreadingHTTPServer | None = None

    def __enter__(self) -> StaticHost:
        handler = functools.partial(_StaticHandler, directory=str(self.folder), prefix=self.prefix)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """The site's address on this host, e.g. "http://127.0.0.1:41234/akhbar/"."""
        assert self._server is not None, "use StaticHost as a context manager"
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"


class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, prefix: str, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def send_head(self):  # noqa: ANN201
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(self.prefix):
            self.path = "/" + self.path[len(self.prefix):]
            target = Path(self.translate_path(self.path))
            if target.is_file() or (target / "index.html").is_file():
                return super().send_head()
        not_found = Path(self.directory) / "404.html"
        body = not_found.read_bytes() if not_found.is_file() else b"not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the tests' output stays readable
