"""`deploy` to a real OpenSSH server on 127.0.0.1 with the system's rsync: the files on the target are
checked, not only what deploy prints."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from deploy_servers import SshServer
from deploy_sites import DeploySite, digests, stamps, without_manifest
from live_server import free_port

from akhbar.deploy_plan import ASSETS, FEEDS, MANIFEST_NAME, PAGES, phase_of


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    with SshServer(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture
def site(sample_site, tmp_path):
    return DeploySite.copy_of(sample_site.root, sample_site.output, tmp_path)


def rsync_table(sshd: SshServer, path, delete: bool = False, **override) -> str:
    keys = {"type": "rsync", "host": "127.0.0.1", "port": sshd.port, "user": sshd.user, "path": str(path),
            "identity": str(sshd.identity), "known_hosts": str(sshd.known_hosts), "delete": delete, **override}
    return "[deploy.web]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())


def test_deploy_change_one_article_delete_and_dry_run(sshd, site, tmp_path):
    www = tmp_path / "www"
    site.configure(rsync_table(sshd, www))
    built = digests(site.output)

    # a dry run lists every file as new and touches nothing
    code, out, err = site.deploy("--dry-run")
    assert (code, err) == (0, "")
    listed = [line.split()[1] for line in out.splitlines() if line.startswith("upload  ")]
    assert sorted(listed) == sorted(built)
    assert all(line.endswith("(new)") for line in out.splitlines() if line.startswith("upload  "))
    assert f"would upload {len(built)} (" in out and "nothing was sent" in out
    assert not www.exists()

    # the first deploy: every file, byte for byte, and the manifest of them
    code, out, err = site.deploy()
    assert code == 0, err
    assert f": {len(built)} uploaded (" in out and ", 0 unchanged, 0 deleted" in out
    on_target = digests(www)
    assert without_manifest(on_target) == built
    assert json.loads((www / MANIFEST_NAME).read_text())["files"] == built
    assert all((www / rel).stat().st_mode & 0o644 == 0o644 for rel in built)  # a web server can read them
    # assets arrived before any page, pages before any feed (ctime: when each was renamed into place)
    first = stamps(www)
    arrived = {kind: [first[rel][1] for rel in built if phase_of(rel) == kind] for kind in (ASSETS, PAGES, FEEDS)}
    assert max(arrived[ASSETS]) <= min(arrived[PAGES])
    assert max(arrived[PAGES]) <= min(arrived[FEEDS])
    assert first[MANIFEST_NAME][1] >= max(arrived[FEEDS])

    # nothing changed: nothing is sent, not even the manifest
    code, out, _ = site.deploy()
    assert code == 0 and f": 0 uploaded (0 bytes), {len(built)} unchanged" in out
    assert stamps(www) == first

    # one article changes: exactly the files whose bytes changed move
    changed, new, gone = site.change_article_and_build()
    assert any(rel.endswith("tabriz-maragheh-freeway/index.html") for rel in changed)
    code, out, _ = site.deploy("--dry-run")
    assert code == 0
    assert {line.split()[1] for line in out.splitlines() if line.startswith("upload  ")} == changed | new
    assert stamps(www) == first
    code, out, _ = site.deploy()
    assert code == 0
    assert f": {len(changed | new)} uploaded (" in out
    second = stamps(www)
    moved = {rel for rel in second if rel != MANIFEST_NAME and second[rel] != first.get(rel)}
    assert moved == changed | new
    assert without_manifest(digests(www)) == {**{rel: built[rel] for rel in gone}, **digests(site.output)}
    if gone:  # Pagefind renames the index pieces that changed: the old ones stay while delete = false
        assert f"{len(gone)} file" in out and "no longer built stayed (delete = false)" in out

    # delete = true: what the build no longer writes goes, last, and nothing else is touched
    site.configure(rsync_table(sshd, www, delete=True))
    code, out, _ = site.deploy("--dry-run")
    assert {line.split()[1] for line in out.splitlines() if line.startswith("delete  ")} == gone
    code, out, _ = site.deploy()
    assert code == 0 and f", {len(gone)} deleted" in out
    assert without_manifest(digests(www)) == digests(site.output)
    after = stamps(www)
    assert {rel: after[rel] for rel in after if rel != MANIFEST_NAME} == \
           {rel: second[rel] for rel in second if rel != MANIFEST_NAME and rel not in gone}
    assert json.loads((www / MANIFEST_NAME).read_text())["files"] == digests(site.output)


def test_a_failure_mid_way_is_reported_and_a_rerun_finishes_without_resending(sshd, site, tmp_path):
    www = tmp_path / "www"
    site.configure(rsync_table(sshd, www))
    built = digests(site.output)
    page = "news/tabriz-maragheh-freeway/index.html"
    assert page in built
    blocker = www / page / "blocker"  # a folder where a page must go: rsync cannot put the page there
    blocker.mkdir(parents=True)
    assets = {rel for rel in built if phase_of(rel) == ASSETS}
    pages = {rel for rel in built if phase_of(rel) == PAGES}
    feeds = {rel for rel in built if phase_of(rel) == FEEDS}

    code, out, err = site.deploy()
    assert code == 1 and out == ""
    assert "Traceback" not in err
    lines = [line.rsplit("\r", 1)[-1] for line in err.splitlines()]
    assert lines[0] == f"deploy web: rsync failed (exit 23): could not make way for new regular file: {page}"
    assert f"  done: assets ({len(assets)} files)" in lines
    assert f"  stopped in pages: {len(pages) - 1} of {len(pages)} files arrived (the next run compares their " \
           "checksums and does not send them again)" in lines
    assert f"  not started: feeds and sitemaps ({len(feeds)} files)" in lines
    assert lines[-1] == "1 problem; nothing more was sent."
    # on the target: the assets and the manifest of them; the other pages arrived too; no feed
    assert json.loads((www / MANIFEST_NAME).read_text())["files"] == {rel: built[rel] for rel in assets}
    on_target = without_manifest(digests(www))
    assert {rel for rel in on_target if rel not in assets} == pages - {page}
    assert not any((www / rel).exists() for rel in feeds)
    failed = stamps(www)

    # the obstacle removed, the same command finishes: only the missing page and the feeds are sent
    shutil.rmtree(www / page)
    code, out, err = site.deploy()
    assert code == 0, err
    assert f": {1 + len(feeds)} uploaded (" in out and f", {len(pages) - 1} already there" in out
    assert without_manifest(digests(www)) == built
    done = stamps(www)
    assert {rel for rel in failed if rel != MANIFEST_NAME and done[rel] != failed[rel]} == set()
    assert json.loads((www / MANIFEST_NAME).read_text())["files"] == built


def test_errors_name_the_target_in_one_plain_message(sshd, site, tmp_path):
    closed = free_port()
    site.configure(rsync_table(sshd, tmp_path / "www", port=closed))
    code, _, err = site.deploy()
    assert code == 1
    assert err.splitlines()[0] == f"deploy web: cannot reach 127.0.0.1:{closed}: connection refused"

    stranger = tmp_path / "stranger_known_hosts"  # another host's key under this address
    stranger.write_text(f"[127.0.0.1]:{sshd.port} " + sshd.identity.with_suffix(".pub").read_text().split(" ", 2)[0]
                        + " " + sshd.identity.with_suffix(".pub").read_text().split()[1] + "\n")
    site.configure(rsync_table(sshd, tmp_path / "www", known_hosts=str(stranger)))
    code, _, err = site.deploy()
    assert code == 1
    assert err.splitlines()[0] == (f"deploy web: the host key of 127.0.0.1:{sshd.port} is not known or has changed; "
                                   f"add its key to {stranger}")

    other_key = tmp_path / "other_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other_key)], check=True)
    site.configure(rsync_table(sshd, tmp_path / "www", identity=str(other_key)))
    code, _, err = site.deploy()
    assert code == 1
    assert err.splitlines()[0] == f"deploy web: 127.0.0.1:{sshd.port} refused to log in {sshd.user} with the key {other_key}"

    site.configure(rsync_table(sshd, tmp_path / "www", identity=str(tmp_path / "no_such_key")))
    code, _, err = site.deploy()
    assert err.splitlines()[0] == f"deploy web: identity: no file {tmp_path / 'no_such_key'}"
    assert "Traceback" not in err
    assert not (tmp_path / "www").exists()


def test_a_manifest_akhbar_did_not_write_means_uploading_everything(sshd, site, tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / MANIFEST_NAME).write_text('{"files": {"../../etc/passwd": "x"}}')
    site.configure(rsync_table(sshd, www, delete=True))
    built = digests(site.output)
    code, out, err = site.deploy()
    assert code == 0
    assert err.splitlines() == [f"deploy web: warning: {MANIFEST_NAME} on the target is not one akhbar wrote; "
                                "uploading everything"]
    assert f": {len(built)} uploaded (" in out and ", 0 deleted" in out
    assert json.loads((www / MANIFEST_NAME).read_text())["files"] == built


def test_build_py_deploy_in_a_real_process(sshd, site, tmp_path, repo):
    """`python build.py deploy` as a person runs it: a subprocess, output on its own stdout."""
    www = tmp_path / "www"
    site.configure(rsync_table(sshd, www))
    argv = [sys.executable, str(repo / "build.py"), "--root", str(site.root), "deploy", "--output", str(site.output)]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    dry = subprocess.run([*argv, "--dry-run"], capture_output=True, text=True, env=env, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1].startswith("dry run for web (")
    assert not www.exists()
    real = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert real.returncode == 0, real.stderr
    assert real.stdout.startswith(f"deployed to web ({sshd.user}@127.0.0.1:{www}/ (port {sshd.port})): ")
    assert without_manifest(digests(www)) == digests(site.output)
