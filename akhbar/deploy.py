"""`build.py deploy`: publish the built `output/` to a `[deploy.NAME]` target.

Reads the target's manifest, plans the work (`deploy_plan`), and runs it phase by phase through the
target's transport (`deploy_rsync`, `deploy_s3`). After each finished phase the manifest on the target
is brought up to date, so a deploy that fails mid-way leaves a record of what arrived and the next run
sends only the rest. Nothing is built here: `deploy` publishes what `build` wrote.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import CONFIG_NAME, DeployTarget, RsyncTarget, SiteConfig
from .deploy_plan import DELETIONS, MANIFEST_NAME, Plan, apply, manifest_bytes, parse_manifest, plan_deploy
from .deploy_transport import Transport, TransportError
from .errors import AkhbarError, Problem
from .files import shown
from .progress import ProgressBar

Progress = Callable[[int, int], None]


def select_target(config: SiteConfig, name: str | None) -> DeployTarget:
    targets = {t.name: t for t in config.deploy}
    names = ", ".join(targets)
    if not targets:
        raise AkhbarError(Problem(CONFIG_NAME, None, "no deploy target: add a [deploy.NAME] table "
                                                     '(README.md, "Publishing", shows rsync and S3 examples)'))
    if name is None:
        if len(targets) > 1:
            raise AkhbarError(Problem(CONFIG_NAME, None, f"several deploy targets ({names}): choose one with --target NAME"))
        return next(iter(targets.values()))
    if name not in targets:
        raise AkhbarError(Problem(CONFIG_NAME, None, f"no deploy target {name!r}; the targets are: {names}"))
    return targets[name]


def read_output(output: Path) -> tuple[dict[str, str], dict[str, int]]:
    """SHA-256 and size of every file under `output`, by POSIX path."""
    digests: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for folder, dirs, names in os.walk(output):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            rel = path.relative_to(output).as_posix()
            if rel == MANIFEST_NAME or not path.is_file() or path.is_symlink():
                continue
            with path.open("rb") as f:
                digests[rel] = hashlib.file_digest(f, "sha256").hexdigest()
            sizes[rel] = path.stat().st_size
    return digests, sizes


def open_transport(target: DeployTarget) -> Transport:
    if isinstance(target, RsyncTarget):
        from .deploy_rsync import RsyncTransport

        return RsyncTransport(target)
    from .deploy_s3 import S3Transport

    return S3Transport(target)


@dataclass
class Outcome:
    """What a run did so far: kept up to date as files arrive, so a failure can say it."""

    manifest: dict[str, str]  # what the target's manifest records
    sent: list[str] = field(default_factory=list)  # files whose bytes went up in this run
    already: int = 0  # planned, but the target had these bytes already (rsync, after an interrupted run)
    deleted: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)  # phases done and recorded on the target
    current: str | None = None  # the phase under way
    arrived: list[str] = field(default_factory=list)  # its files the target confirmed
    recorded: str = ""  # what became of the current phase's record after a failure


def run_deploy(config: SiteConfig, output: Path, target_name: str | None = None, dry_run: bool = False,
               progress: Progress | None = None) -> int:
    """Deploy `output` to the chosen target (print the plan only, with `dry_run`); prints a summary."""
    target = select_target(config, target_name)
    where = f"deploy {target.name}"
    if not (output / "index.html").is_file():
        raise AkhbarError(Problem(shown(output, config.root), None,
                                  "holds no built site: run `build.py build` first, then deploy"))
    local, sizes = read_output(output)
    try:
        transport = open_transport(target)
    except TransportError as e:
        raise AkhbarError(Problem(where, None, e.message)) from None
    bar = ProgressBar(f"deploying to {target.name}") if progress is None and not dry_run else None
    started = time.monotonic()
    try:
        remote = _remote_manifest(transport, where)
        plan = plan_deploy(local, remote, target.delete)
        label = f"{target.name} ({transport.describe()})"
        if dry_run:
            _print_dry_run(plan, sizes, label)
            return 0
        outcome = Outcome(dict(remote))
        try:
            _execute(plan, transport, output, local, outcome, progress or bar)
        except (TransportError, KeyboardInterrupt) as e:
            cause = e.message if isinstance(e, TransportError) else "interrupted"
            raise AkhbarError(Problem(where, None, _failure(cause, plan, outcome))) from None
    finally:
        if bar is not None:
            bar.close()
        transport.close()
    print(_summary(label, plan, outcome, sizes, time.monotonic() - started))
    return 0


def _remote_manifest(transport: Transport, where: str) -> dict[str, str]:
    try:
        data = transport.read_manifest()
    except TransportError as e:
        raise AkhbarError(Problem(where, None, e.message)) from None
    remote = {} if data is None else parse_manifest(data)
    if remote is None:  # better to send everything again than to trust it; the warning says why
        print(f"{where}: warning: {MANIFEST_NAME} on the target is not one akhbar wrote; uploading everything",
              file=sys.stderr)
        return {}
    return remote


def _execute(plan: Plan, transport: Transport, output: Path, local: dict[str, str], outcome: Outcome,
             progress: Progress | None) -> None:
    total = len(plan.uploads) + len(plan.deletions)
    count = 0

    def done(rel: str, sent: bool) -> None:
        nonlocal count
        outcome.arrived.append(rel)
        count += 1
        if progress is not None:
            progress(count, total)

    for phase in plan.phases:
        outcome.current, outcome.arrived = phase.name, []
        deleting = phase.name == DELETIONS
        try:
            (transport.delete if deleting else transport.upload)(output, phase.files, done)
        except (TransportError, KeyboardInterrupt):
            _record_partial(transport, local, outcome, deleting)
            raise
        if deleting:
            outcome.deleted += phase.files
            outcome.manifest = apply(outcome.manifest, local, (), phase.files)
        else:
            outcome.sent += outcome.arrived
            outcome.already += len(phase.files) - len(outcome.arrived)
            outcome.manifest = apply(outcome.manifest, local, phase.files)
        count += len(phase.files) - len(outcome.arrived)
        if progress is not None:
            progress(count, total)
        outcome.arrived = list(phase.files)
        try:
            transport.write_manifest(manifest_bytes(outcome.manifest))
        except TransportError:
            outcome.recorded = "they arrived, but the record of them could not be written, so they will be sent again"
            raise
        outcome.finished.append(phase.name)
        outcome.current, outcome.arrived = None, []


def _record_partial(transport: Transport, local: dict[str, str], outcome: Outcome, deleting: bool) -> None:
    """After a failure mid-phase, record on the target the files it confirmed, so a re-run skips them."""
    if not outcome.arrived:
        return
    if not transport.confirms_each_file:  # rsync: the re-run's --checksum finds them instead
        outcome.recorded = "the next run compares their checksums and does not send them again"
        return
    manifest = (apply(outcome.manifest, local, (), outcome.arrived) if deleting
                else apply(outcome.manifest, local, outcome.arrived))
    try:
        transport.write_manifest(manifest_bytes(manifest))
    except TransportError:
        outcome.recorded = "the record of them could not be written, so they will be sent again"
        return
    outcome.manifest = manifest
    outcome.recorded = "recorded on the target, so the next run does not send them again"


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"


def _failure(cause: str, plan: Plan, outcome: Outcome) -> str:
    lines = [cause]
    if outcome.current is None and not outcome.finished:
        return cause
    phases = {p.name: p for p in plan.phases}
    if outcome.finished:
        lines.append("done: " + ", ".join(f"{name} ({_files(len(phases[name].files))})" for name in outcome.finished))
    if outcome.current is not None:
        total = len(phases[outcome.current].files)
        verb = "deleted" if outcome.current == DELETIONS else "arrived"
        note = f" ({outcome.recorded})" if outcome.arrived and outcome.recorded else ""
        lines.append(f"stopped in {outcome.current}: {len(outcome.arrived)} of {_files(total)} {verb}{note}")
    names = [p.name for p in plan.phases]
    rest = names[names.index(outcome.current) + 1:] if outcome.current in names else []
    if rest:
        lines.append("not started: " + ", ".join(f"{name} ({_files(len(phases[name].files))})" for name in rest))
    lines.append("run the same deploy again to finish; until then the target mixes old and new files")
    return "\n  ".join(lines)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} byte{'s' if n != 1 else ''}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def _print_dry_run(plan: Plan, sizes: dict[str, int], label: str) -> None:
    for phase in plan.phases:
        verb = "delete" if phase.name == DELETIONS else "upload"
        for rel in phase.files:
            print(f"{verb}  {rel}" + ("  (new)" if rel in plan.new else ""))
    uploads = plan.uploads
    kept = f"; {_files(len(plan.kept))} no longer built would stay (delete = false)" if plan.kept else ""
    print(f"dry run for {label}: would upload {len(uploads)} ({_size(sum(sizes[r] for r in uploads))}), "
          f"{plan.unchanged} unchanged, would delete {len(plan.deletions)}{kept}; nothing was sent")


def _summary(label: str, plan: Plan, outcome: Outcome, sizes: dict[str, int], seconds: float) -> str:
    already = f", {outcome.already} already there" if outcome.already else ""
    kept = f"; {_files(len(plan.kept))} no longer built stayed (delete = false)" if plan.kept else ""
    return (f"deployed to {label}: {len(outcome.sent)} uploaded ({_size(sum(sizes[r] for r in outcome.sent))}), "
            f"{plan.unchanged} unchanged{already}, {len(outcome.deleted)} deleted in {seconds:.1f} s{kept}")
