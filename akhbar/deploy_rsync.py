"""A deploy target reached with the system's `rsync` over `ssh`.

Each phase is one rsync run over exactly the files the plan names (`--files-from`), so the plan's order
holds between phases. `--checksum` makes rsync skip a listed file whose bytes the host already has: after
an interrupted phase, the files that did arrive are not sent again. ssh never asks anything
(`BatchMode`): a host key must be known beforehand, from the target's `known_hosts` file (checked
strictly) or from ssh's own configuration; an unknown host is an error, never silently trusted. The
runs of one deploy share one ssh connection (ControlMaster), closed when the deploy ends.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .config import RsyncTarget
from .deploy_plan import MANIFEST_NAME
from .deploy_transport import TransportError

# Readable by the web server whatever the build's umask; folders listable by it.
_MODES = "--chmod=D755,F644"


class RsyncTransport:
    confirms_each_file = False  # rsync names a file as it sends it, which is no proof the host has it in place

    def __init__(self, target: RsyncTarget) -> None:
        self.target = target
        for tool in ("rsync", "ssh"):
            if shutil.which(tool) is None:
                raise TransportError(f"{tool} is not installed on this machine (Debian: apt-get install rsync openssh-client)")
        for key, path in (("identity", target.identity), ("known_hosts", target.known_hosts)):
            if path is not None and not path.is_file():
                raise TransportError(f"{key}: no file {path}")
        self.work = Path(tempfile.mkdtemp(prefix="akhbar-deploy-"))
        login = f"{target.user}@{target.host}" if target.user else target.host
        self.remote = f"{login}:{target.path.rstrip('/')}/"
        self.control = self.work / "ssh"  # one ssh connection for every rsync run of this deploy

    def describe(self) -> str:
        port = f" (port {self.target.port})" if self.target.port != 22 else ""
        return f"{self.remote}{port}"

    def close(self) -> None:
        if self.control.exists():  # the shared connection's master process: end it with the deploy
            subprocess.run(["ssh", "-o", f"ControlPath={self.control}", "-O", "exit", self.target.host],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=20, check=False)
        shutil.rmtree(self.work, ignore_errors=True)

    def _ssh(self) -> str:
        t = self.target
        cmd = ["ssh", "-p", str(t.port), "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=15",
               "-o", "ControlMaster=auto", "-o", f"ControlPath={self.control}", "-o", "ControlPersist=60"]
        if t.identity is not None:
            cmd += ["-i", str(t.identity), "-o", "IdentitiesOnly=yes"]
        if t.known_hosts is not None:
            cmd += ["-o", f"UserKnownHostsFile={t.known_hosts}", "-o", "StrictHostKeyChecking=yes"]
        return shlex.join(cmd)

    def _rsync(self, *args: str, on_line: Callable[[str], None] | None = None) -> None:
        cmd = ["rsync", "-e", self._ssh(), *args]
        env = {**os.environ, "LC_ALL": "C"}  # rsync's and ssh's messages are matched below
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                              text=True, errors="replace") as proc:
            assert proc.stdout is not None and proc.stderr is not None
            for line in proc.stdout:
                if on_line is not None:
                    on_line(line.rstrip("\n"))
            err = proc.stderr.read()
        if proc.returncode != 0:
            raise TransportError(self._explain(proc.returncode, err), code=proc.returncode, detail=err)

    def _explain(self, code: int, err: str) -> str:
        t = self.target
        where = f"{t.host}:{t.port}"
        if "Host key verification failed" in err or "REMOTE HOST IDENTIFICATION HAS CHANGED" in err:
            hint = (f"add its key to {t.known_hosts}" if t.known_hosts else
                    f'add it to a file (ssh-keyscan -p {t.port} {t.host}, then check the fingerprint with the host\'s '
                    'administrator) and name that file as known_hosts in the target')
            return f"the host key of {where} is not known or has changed; {hint}"
        if "Permission denied" in err and ("publickey" in err or "password" in err):
            key = f"the key {t.identity}" if t.identity else "ssh's default keys"
            return f"{where} refused to log in {t.user or 'this user'} with {key}"
        for reason in ("Connection refused", "Could not resolve hostname", "Connection timed out", "No route to host",
                       "Network is unreachable", "Connection closed", "Connection reset"):
            if reason in err:
                return f"cannot reach {where}: {reason.lower()}"
        if code == 127 or "command not found" in err:
            return f"rsync is not installed on {t.host}"
        lines = [line.strip() for line in err.splitlines() if line.strip() and not line.startswith("rsync error:")]
        return f"rsync failed (exit {code}): " + ("; ".join(lines[-3:]) or "no message")

    def read_manifest(self) -> bytes | None:
        local = self.work / MANIFEST_NAME
        try:
            self._rsync("--quiet", self.remote + MANIFEST_NAME, str(local))
        except TransportError as e:
            if e.code == 23 and "No such file or directory" in e.detail:  # a first deploy: no manifest, maybe no folder
                return None
            raise
        return local.read_bytes()

    def _list(self, files: Sequence[str]) -> str:
        listing = self.work / "files"
        listing.write_bytes(b"\0".join(f.encode("utf-8") for f in files) + b"\0")
        return str(listing)

    def upload(self, output: Path, files: Sequence[str], done: Callable[[str, bool], None]) -> None:
        """Send `files` (relative to `output`); `done(rel, sent)` for each file rsync reports as transferred."""
        def line(text: str) -> None:  # "<f+++++++++ news/x/index.html": a file transferred, not a folder
            flags, _, rel = text.partition(" ")
            if flags.startswith("<f"):
                done(rel, True)

        self._rsync("--from0", f"--files-from={self._list(files)}", "--times", "--perms", _MODES, "--checksum",
                    "--omit-dir-times", "-8", "--out-format=%i %n", f"{output}/", self.remote, on_line=line)

    def delete(self, output: Path, files: Sequence[str], done: Callable[[str, bool], None]) -> None:
        """Remove `files` from the host: each is missing from `output`, which rsync turns into a deletion."""
        def line(text: str) -> None:  # "*deleting   news/old/index.html"
            if text.startswith("*deleting"):
                done(text.split(None, 1)[1], True)

        self._rsync("--from0", f"--files-from={self._list(files)}", "--delete-missing-args", "-8", "--out-format=%i %n",
                    f"{output}/", self.remote, on_line=line)

    def write_manifest(self, data: bytes) -> None:
        local = self.work / MANIFEST_NAME
        local.write_bytes(data)
        self._rsync("--quiet", "--checksum", "--perms", _MODES, str(local), self.remote + MANIFEST_NAME)
