"""`serve`: build, serve the output folder with livereload, rebuild and reload on every change."""

from __future__ import annotations

import dataclasses
import ipaddress
import sys
from pathlib import Path

from .config import CONFIG_NAME, SiteConfig, load_config
from .errors import AkhbarError
from .pipeline import build


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(config: SiteConfig, host: str, port: int, output: Path, drafts: bool) -> int:
    from livereload import Server

    if not _is_loopback(host):
        print(f"warning: serving on {host}: anyone on your network can read the preview", file=sys.stderr)

    def local(cfg: SiteConfig) -> SiteConfig:
        # The preview lives at the server's root whatever base_url says, so links must too.
        return dataclasses.replace(cfg, base_url=f"http://{host}:{port}/")

    def rebuild() -> None:
        try:
            report = build(local(load_config(config.root)), output, drafts=drafts)
        except AkhbarError as e:
            for problem in e.problems:
                print(problem, file=sys.stderr)
            print("the preview still shows the last good build", file=sys.stderr)
            return
        print(f"rebuilt: {report.articles} articles, {report.written} files changed in {report.seconds:.2f} s")

    build(local(config), output, drafts=drafts)
    server = Server()
    for watched in (config.content_dir, config.root / "themes", config.root / CONFIG_NAME):
        server.watch(str(watched), rebuild, delay=0.2)
    print(f"serving http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(root=str(output), host=host, port=port, open_url_delay=None, restart_delay=0)
    return 0
