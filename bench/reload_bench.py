"""Save-to-reload latency of `build.py serve`: what an editor waits between saving and seeing the page.

    python bench/reload_bench.py [--articles 10000] [--edits 15] [--seed 1]

1. Generates a corpus of N articles with corpus.py under bench/.work/ (reused when one with the same
   N, seed and generator version is already there) and deletes its output/ so the first build is cold.
2. Starts `python build.py --root PROJECT serve --port FREE` on a free loopback port and waits for the
   first build ("serving http://…" on stdout).
3. Connects to ws://127.0.0.1:PORT/livereload like livereload.js does (hello, then info), so the server
   counts it as a browser.
4. Edits one article's body in place (a different sentence each time), and times each edit from just
   before the write to the arrival of the {"command": "reload"} message; waits --interval seconds
   between edits.
5. Prints median / p90 / min / max, the server's own "rebuilt in …" lines, and merges the run into
   bench/results/reload.json (keyed by article count). The server is always stopped and the edited
   article restored, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (a sibling script, not a package)

REBUILT = re.compile(r"rebuilt in (?P<s>[0-9.]+) s: (?P<read>\d+) file\(s\) read, (?P<rendered>\d+) page\(s\) rendered, "
                     r"(?P<written>\d+) written, (?P<removed>\d+) removed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_corpus(n: int, seed: int, work: Path) -> tuple[Path, float | None]:
    """The project folder, and the seconds generation took (None when a cached corpus was reused)."""
    project = work / f"corpus-{n}-s{seed}"
    marker = corpus.read_marker(project)
    fresh = marker == {"articles": n, "seed": seed, "generator": corpus.generator_digest()}
    seconds = None
    if not fresh:
        print(f"generating {n} articles into {project} …", flush=True)
        seconds = corpus.generate(n, project, seed)["seconds"]
        print(f"generated in {seconds:.1f} s", flush=True)
    else:
        print(f"reusing {project}", flush=True)
        corpus.install_site(project)  # the theme and settings of the code under test, not of the cached copy
    for stale in ("output", ".output.new", ".output.old", ".cache"):  # a cold first build every run
        shutil.rmtree(project / stale, ignore_errors=True)
    return project, seconds


def code_version() -> dict:
    """Which akhbar was measured: HEAD, uncommitted changes, and a digest of the code and theme as run."""
    h = hashlib.blake2b(digest_size=8)
    for path in sorted([*(REPO / "akhbar").rglob("*.py"), *(REPO / "themes").rglob("*"), REPO / "build.py"]):
        if path.is_file():
            h.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())

    def git(*args: str) -> str:
        try:  # read-only; --no-optional-locks keeps `status` from refreshing the index
            return subprocess.run(["git", "--no-optional-locks", "-C", str(REPO), *args], capture_output=True,
                                  text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"head": git("rev-parse", "--short", "HEAD"), "code_digest": h.hexdigest(),
            "uncommitted": git("status", "--porcelain", "--", "akhbar", "themes", "build.py").splitlines()}


def pick_article(project: Path, which: str | None) -> Path:
    if which:
        path = Path(which)
        return path if path.is_absolute() else project / path
    files = sorted((project / "content").rglob("*.md"))
    return files[len(files) // 2]  # a mid-archive article: on its own page, its neighbours', and term pages


class Server:
    """`build.py serve` as a child process; its output lines are collected with their arrival time."""

    def __init__(self, python: str, project: Path, port: int) -> None:
        self.cmd = [python, str(REPO / "build.py"), "--root", str(project), "serve", "--host", "127.0.0.1",
                    "--port", str(port)]
        self.lines: queue.Queue[tuple[float, str, str]] = queue.Queue()
        self.log: list[tuple[float, str, str]] = []
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     text=True, encoding="utf-8", errors="replace", bufsize=1)
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()
        return started

    def _pump(self, name: str, stream) -> None:  # noqa: ANN001
        for line in stream:
            self.lines.put((time.perf_counter(), name, line.rstrip("\n")))

    def next_line(self, timeout: float) -> tuple[float, str, str] | None:
        try:
            item = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        self.log.append(item)
        return item

    def wait_ready(self, timeout: float) -> tuple[str | None, float] | None:
        """Wait for "serving http://…" (printed after the first build); return the first build's
        "rebuilt in" line (None if it failed) and when the server became ready. None on timeout or exit."""
        deadline = time.perf_counter() + timeout
        rebuilt = None
        while (left := deadline - time.perf_counter()) > 0:
            item = self.next_line(min(left, 0.5))
            if item is None:
                if self.proc and self.proc.poll() is not None and self.lines.empty():
                    return None
                continue
            at, name, line = item
            if name == "err":
                print(f"  server stderr: {line}", flush=True)
            elif "rebuilt in" in line and rebuilt is None:
                rebuilt = line
            elif "serving http" in line:
                return rebuilt, at
        return None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


async def measure(port: int, article: Path, original: bytes, edits: int, interval: float, timeout: float,
                  server: Server) -> list[dict]:
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    inbox: asyncio.Queue[tuple[float, dict | None]] = asyncio.Queue()

    async def reader() -> None:
        while True:
            msg = await conn.read_message()
            inbox.put_nowait((time.perf_counter(), None if msg is None else json.loads(msg)))
            if msg is None:
                return

    task = asyncio.create_task(reader())
    try:
        await conn.write_message(json.dumps({"command": "hello",
                                             "protocols": ["http://livereload.com/protocols/official-7"]}))
        _, hello = await asyncio.wait_for(inbox.get(), 10)
        if not hello or hello.get("command") != "hello":
            raise RuntimeError(f"unexpected livereload handshake reply: {hello!r}")
        await conn.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
        await asyncio.sleep(0.5)  # `info` has no reply: give the server a moment to register us

        text = original.decode("utf-8").rstrip("\n")
        samples = []
        for i in range(edits):
            extra = 0
            while not inbox.empty():  # late or duplicate reloads from the previous edit
                inbox.get_nowait()
                extra += 1
            new = f"{text}\n\n{corpus.sentence(1000 + i)}\n".encode()
            t0 = time.perf_counter()
            with open(article, "wb") as f:  # in place: same file, truncated and rewritten
                f.write(new)
            while True:
                try:
                    t1, msg = await asyncio.wait_for(inbox.get(), timeout)
                except TimeoutError:
                    raise RuntimeError(f"edit {i + 1}: no reload within {timeout:.0f} s") from None
                if msg is None:
                    raise RuntimeError("the server closed the WebSocket")
                if msg.get("command") == "reload":
                    break
            latency = t1 - t0
            rebuilt = None
            deadline = time.perf_counter() + 5  # the line is printed before the reload is sent
            while rebuilt is None and time.perf_counter() < deadline:
                item = server.next_line(0.2)
                if item and item[1] == "out" and (m := REBUILT.search(item[2])):
                    rebuilt = {"line": item[2], "seconds": float(m["s"]),
                               **{k: int(m[k]) for k in ("read", "rendered", "written", "removed")}}
                elif item and item[1] == "err":
                    print(f"  server stderr: {item[2]}", flush=True)
            samples.append({"edit": i + 1, "latency": round(latency, 4), "rebuild": rebuilt,
                            "extra_reloads_before": extra})
            shown = f"{rebuilt['seconds']:.2f} s" if rebuilt else "?"
            print(f"  edit {i + 1:2}: reload after {latency:.3f} s (server build {shown})", flush=True)
            await asyncio.sleep(interval)
        return samples
    finally:
        task.cancel()
        conn.close()


def summarize(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    p90 = statistics.quantiles(ordered, n=10, method="inclusive")[-1] if len(ordered) > 1 else ordered[0]
    return {"median": round(statistics.median(ordered), 4), "p90": round(p90, 4), "min": round(ordered[0], 4),
            "max": round(ordered[-1], 4), "mean": round(statistics.fmean(ordered), 4), "n": len(ordered)}


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "loadavg": [round(x, 2) for x in load] if load else None}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=10_000)
    p.add_argument("--edits", type=int, default=15)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between a reload and the next edit")
    p.add_argument("--timeout", type=float, default=300.0, help="longest wait for one reload, seconds")
    p.add_argument("--startup-timeout", type=float, default=3600.0, help="longest wait for the first build, seconds")
    p.add_argument("--article", help="the article to edit (default: the middle one in path order)")
    p.add_argument("--python", default=sys.executable, help="interpreter that runs build.py (default: this one)")
    p.add_argument("--work", type=Path, default=BENCH / ".work", help="where corpora are cached")
    p.add_argument("--results", type=Path, default=BENCH / "results" / "reload.json")
    args = p.parse_args(argv)

    before = machine()
    version = code_version()
    print(f"akhbar at {version['head']} ({len(version['uncommitted'])} uncommitted file(s) in akhbar/, themes/), "
          f"code digest {version['code_digest']}", flush=True)
    project, gen_seconds = prepare_corpus(args.articles, args.seed, args.work)
    article = pick_article(project, args.article)
    original = article.read_bytes()
    port = free_port()
    server = Server(args.python, project, port)
    print(f"starting: {' '.join(server.cmd)}", flush=True)
    try:
        started = server.start()
        ready = server.wait_ready(args.startup_timeout)
        if not ready or not ready[0]:
            print("the server did not finish its first build; its output:", file=sys.stderr)
            for _, name, line in server.log:
                print(f"  {name}: {line}", file=sys.stderr)
            return 1
        first, at = ready
        m = REBUILT.search(first)
        cold = {"line": first, "build_seconds": float(m["s"]) if m else None,
                "spawn_to_serving_seconds": round(at - started, 2)}
        print(f"first (cold) build: {first!r}; ready {cold['spawn_to_serving_seconds']:.1f} s after spawn",
              flush=True)
        print(f"editing {article.relative_to(project)} {args.edits} times", flush=True)
        samples = asyncio.run(measure(port, article, original, args.edits, args.interval, args.timeout, server))
    finally:
        server.stop()
        article.write_bytes(original)  # keep the cached corpus as generated

    stats = summarize([s["latency"] for s in samples])
    builds = [s["rebuild"]["seconds"] for s in samples if s["rebuild"]]
    print(f"\nsave → reload over {stats['n']} edits, {args.articles} articles: median {stats['median']:.3f} s, "
          f"p90 {stats['p90']:.3f} s, min {stats['min']:.3f} s, max {stats['max']:.3f} s")
    if builds:
        print(f"server's own build time: median {statistics.median(builds):.3f} s "
              "(the rest: file events, serve's quiet spell before building, config loading, the WebSocket)")
    print("server rebuild lines:")
    for s in samples:
        print(f"  {s['rebuild']['line'] if s['rebuild'] else '(none seen)'}")

    run = {
        "articles": args.articles, "seed": args.seed, "edits": args.edits, "interval": args.interval,
        "edited": article.relative_to(project).as_posix(),
        "generation_seconds": gen_seconds, "corpus_cached": gen_seconds is None,
        "cold_build": cold, "reload": stats,
        "server_build_median": round(statistics.median(builds), 4) if builds else None,
        "samples": samples, "code": version, "machine_before": before, "machine_after": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = json.loads(args.results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = {}
    results.setdefault("runs", {})[str(args.articles)] = run
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
