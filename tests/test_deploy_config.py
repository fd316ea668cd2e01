"""`[deploy.NAME]` tables in site_config.toml, and how `deploy` picks a target: no server needed here."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.config import RsyncTarget, S3Target, load_config
from akhbar.errors import AkhbarError


def project_with(tmp_path: Path, text: str) -> Path:
    (tmp_path / "themes" / "default" / "templates").mkdir(parents=True)
    (tmp_path / "site_config.toml").write_text(text, encoding="utf-8")
    return tmp_path


def problems_of(root: Path) -> list[str]:
    with pytest.raises(AkhbarError) as info:
        load_config(root)
    return [str(p) for p in info.value.problems]


def test_both_kinds_of_target_are_read(tmp_path):
    root = project_with(tmp_path, """title = "x"

[deploy.production]
type = "rsync"
host = "www.example.ir"
port = 2222
user = "deploy"
path = "/var/www/akhbar"
identity = "keys/deploy"
known_hosts = "deploy/known_hosts"
delete = true

[deploy.storage]
type = "s3"
endpoint = "https://s3.example.ir"
bucket = "akhbar-site"
prefix = "site"
region = "ir-thr-at1"
""")
    config = load_config(root)
    assert config.deploy == (
        RsyncTarget("production", host="www.example.ir", path="/var/www/akhbar", port=2222, user="deploy",
                    identity=root / "keys/deploy", known_hosts=root / "deploy/known_hosts", delete=True),
        S3Target("storage", bucket="akhbar-site", endpoint="https://s3.example.ir", prefix="site/",
                 region="ir-thr-at1", delete=False),
    )


def test_defaults_and_home_paths(tmp_path):
    root = project_with(tmp_path, """
[deploy.a]
type = "rsync"
host = "example.ir"
path = "www"
identity = "~/.ssh/akhbar"

[deploy.b]
type = "s3"
bucket = "news"
""")
    a, b = load_config(root).deploy
    assert (a.port, a.user, a.known_hosts, a.delete) == (22, None, None, False)
    assert a.identity == Path("~/.ssh/akhbar").expanduser()
    assert (b.endpoint, b.prefix, b.region, b.delete) == (None, "", None, False)
    assert load_config(project_with(tmp_path / "none", 'title = "x"\n')).deploy == ()


def test_unknown_and_missing_keys_are_errors_with_their_lines(tmp_path):
    root = project_with(tmp_path, """title = "x"

[deploy.production]
type = "rsync"
host = "example.ir"
bucket = "oops"

[deploy.storage]
type = "s3"
endpont = "https://s3.example.ir"

[deploy.third]
type = "ftp"
""")
    problems = problems_of(root)
    assert "site_config.toml:6: unknown setting [deploy.production] 'bucket'; known settings: delete, host, " \
           "identity, known_hosts, path, port, type, user" in problems
    assert "site_config.toml:3: [deploy.production] is missing path (needed by type = 'rsync')" in problems
    assert any(p.startswith("site_config.toml:10: unknown setting [deploy.storage] 'endpont'") for p in problems)
    assert "site_config.toml:8: [deploy.storage] is missing bucket (needed by type = 's3')" in problems
    assert "site_config.toml:13: [deploy.third] type must be \"rsync\" or \"s3\" (found 'ftp')" in problems
    assert len(problems) == 5


@pytest.mark.parametrize(("line", "message"), [
    ('port = 0', "port must be a port number from 1 to 65535 (found 0)"),
    ('port = "22"', "port must be a port number"),
    ('host = "-oProxyCommand=sh"', "host must be a host name or address"),
    ('user = "-l"', "user must be a user name on the host"),
    ('delete = "yes"', "delete must be true or false"),
])
def test_bad_rsync_values_name_their_key(tmp_path, line, message):
    keys = {"host": '"example.ir"', "path": '"/var/www"'}
    key = line.split(" ")[0]
    keys.pop(key, None)
    body = "".join(f"{k} = {v}\n" for k, v in keys.items())
    root = project_with(tmp_path, f'[deploy.web]\ntype = "rsync"\n{body}{line}\n')
    (problem,) = problems_of(root)
    assert problem.startswith(f"site_config.toml:{3 + len(keys)}: [deploy.web] {message}")


@pytest.mark.parametrize(("line", "message"), [
    ('bucket = "Bad_Bucket"', "bucket must be a bucket name"),
    ('endpoint = "s3.example.ir"', "endpoint must be the storage's address"),
    ('prefix = "../x"', "prefix must be a folder inside the bucket"),
])
def test_bad_s3_values_name_their_key(tmp_path, line, message):
    extra = "" if line.startswith("bucket") else 'bucket = "news"\n'
    root = project_with(tmp_path, f'[deploy.s3]\ntype = "s3"\n{extra}{line}\n')
    (problem,) = problems_of(root)
    assert f"[deploy.s3] {message}" in problem


def test_deploy_must_hold_tables(tmp_path):
    root = project_with(tmp_path, 'deploy = "rsync"\n')
    assert problems_of(root) == ["site_config.toml:1: deploy must hold tables: [deploy.NAME]"]


# ----------------------------------------------------------------------------- choosing a target (CLI)


def test_no_target_configured_is_a_clear_message(cli, sample_site):
    run = cli("--root", sample_site.root, "deploy", "--output", sample_site.output)
    assert run.code == 1
    assert run.problem_lines[0].startswith("site_config.toml: no deploy target: add a [deploy.NAME] table")
    assert "Traceback" not in run.err


def _two_targets(root: Path) -> None:
    with (root / "site_config.toml").open("a", encoding="utf-8") as f:
        f.write('\n[deploy.one]\ntype = "s3"\nbucket = "one"\n\n[deploy.two]\ntype = "s3"\nbucket = "two"\n')


def test_several_targets_need_target_and_an_unknown_one_lists_them(cli, small_project, tmp_path):
    root = small_project(tmp_path / "p", {"a.md": "---\ntitle: الف\ndate: 1397-11-20\n---\n\nمتن.\n"})
    _two_targets(root)
    run = cli("--root", root, "deploy")
    assert run.code == 1
    assert run.problem_lines[0] == "site_config.toml: several deploy targets (one, two): choose one with --target NAME"
    run = cli("--root", root, "deploy", "--target", "three")
    assert run.problem_lines[0] == "site_config.toml: no deploy target 'three'; the targets are: one, two"


def test_deploy_without_a_build_says_build_first(cli, small_project, tmp_path):
    root = small_project(tmp_path / "p", {"a.md": "---\ntitle: الف\ndate: 1397-11-20\n---\n\nمتن.\n"})
    _two_targets(root)
    run = cli("--root", root, "deploy", "--target", "one")
    assert run.code == 1
    assert run.problem_lines == ["output: holds no built site: run `build.py build` first, then deploy",
                                 "1 problem; nothing more was sent."]


def test_s3_without_credentials_names_the_variables(cli, sample_site, tmp_path, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    root = tmp_path / "p"
    root.mkdir()
    (root / "themes").symlink_to(sample_site.root / "themes")
    (root / "site_config.toml").write_text('[deploy.s3]\ntype = "s3"\nbucket = "news"\nendpoint = "http://127.0.0.1:9"\n')
    run = cli("--root", root, "deploy", "--output", sample_site.output)
    assert run.code == 1
    assert run.problem_lines[0] == "deploy s3: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
