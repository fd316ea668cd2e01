"""Run one build and measure its wall time and the peak memory of its whole process tree.

akhbar reads a cold build's articles in forked worker processes, so the memory of the build is that
of a tree, not of one process: `/usr/bin/time -v` and `RUSAGE_CHILDREN` only give the largest single
process. The command is started in a session of its own; every `interval` seconds the sampler lists
/proc, keeps the processes of that session (akhbar's workers, anything Pelican or Hugo may spawn) and
adds up their `/proc/PID/smaps_rollup`:

- **PSS** (proportional set size) counts a page shared by k processes as 1/k in each, so the sum is
  the memory the tree really occupies: copy-on-write pages a forked worker shares with its parent are
  counted once. This is the figure the table reports.
- **RSS** counts shared pages in every process that maps them: an upper bound, kept in the JSON.

A sampler misses spikes shorter than its interval, so the reported peak is the larger of the highest
PSS sum seen and `ru_maxrss` of the largest single process (from `wait4`, exact and never missed).
For a single-process generator (Pelican, Hugo) the two agree within the few MB of shared libraries.

The CPU time (user + system, the build's and its reaped workers', from the same `wait4`) is kept
beside the wall time: on a machine shared with other jobs it moves much less than the wall time does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

KIB = 1024


@dataclass
class Measurement:
    seconds: float
    returncode: int | None  # None: killed at the timeout
    peak_pss_mb: float  # highest sampled PSS sum over the tree
    peak_rss_mb: float  # highest sampled RSS sum over the tree (shared pages counted in each process)
    maxrss_mb: float  # ru_maxrss of the largest single process of the tree, from wait4
    peak_processes: int  # most processes of the tree alive in one sample
    cpu_seconds: float  # user + system time of the build and the workers it waited for, from wait4
    samples: int
    log: str = ""
    timed_out: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def peak_mb(self) -> float:
        return max(self.peak_pss_mb, self.maxrss_mb)

    def as_dict(self) -> dict:
        return {"seconds": round(self.seconds, 3), "peak_mb": round(self.peak_mb, 1),
                "peak_pss_mb": round(self.peak_pss_mb, 1), "peak_rss_sum_mb": round(self.peak_rss_mb, 1),
                "maxrss_single_mb": round(self.maxrss_mb, 1), "peak_processes": self.peak_processes,
                "cpu_seconds": round(self.cpu_seconds, 3),
                "memory_samples": self.samples, "returncode": self.returncode, "timed_out": self.timed_out,
                **self.extra}


def _session_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses
    fields = stat[stat.rfind(b")") + 2 :].split()
    return int(fields[3])


def _memory_kib(pid: str) -> tuple[int, int]:
    """(Rss, Pss) in KiB, or (0, 0) if the process is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
                    break  # Pss comes after Rss; the rest (Pss_Anon, …) is not needed
    except (OSError, ValueError):
        return 0, 0
    return rss, pss


class _Sampler(threading.Thread):
    def __init__(self, session: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.interval = interval
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = self.peak_procs = self.samples = 0

    def run(self) -> None:
        while True:
            rss = pss = procs = 0
            for pid in os.listdir("/proc"):
                if pid.isdigit() and _session_of(pid) == self.session:
                    r, p = _memory_kib(pid)
                    rss, pss, procs = rss + r, pss + p, procs + 1
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, procs)
            self.samples += 1
            if self.stop.wait(self.interval):
                return


def run(cmd: list[str], cwd: Path, log: Path, timeout: float, interval: float = 0.05,
        env: dict | None = None) -> Measurement:
    """Run `cmd` to completion (or kill its whole session after `timeout` s); output goes to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        sampler = _Sampler(proc.pid, interval)  # the child leads its own session: its id is the pid
        sampler.start()
        deadline = start + timeout
        timed_out = False
        status = rusage = None
        while status is None:
            # wait4, not Popen.wait: its rusage has the largest ru_maxrss among the child and its reaped
            # descendants, for this one build (RUSAGE_CHILDREN would accumulate over every build so far)
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage = st, ru
                break
            if time.perf_counter() > deadline:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)  # the build and every worker it started
                _, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped above: keep Popen from waiting again
    sampler.stop.set()
    sampler.join()
    if any(pid.isdigit() and _session_of(pid) == proc.pid for pid in os.listdir("/proc")):
        os.killpg(proc.pid, signal.SIGKILL)  # workers the build left behind (it should leave none)
    text = log.read_text(encoding="utf-8", errors="replace")
    return Measurement(seconds=seconds, returncode=None if timed_out else proc.returncode,
                       peak_pss_mb=sampler.peak_pss / KIB, peak_rss_mb=sampler.peak_rss / KIB,
                       maxrss_mb=rusage.ru_maxrss / KIB, peak_processes=sampler.peak_procs,
                       cpu_seconds=rusage.ru_utime + rusage.ru_stime,
                       samples=sampler.samples, log=text, timed_out=timed_out)
