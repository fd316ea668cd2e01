"""`.pre-commit-hooks.yaml` (issue 11): valid for the pre-commit framework, its commands exist, and an
editors' repository set up as the README says really refuses a commit with unformatted copy or a broken
site, and accepts it once fixed.

The end-to-end test runs the real `pre-commit` (PyPI), which builds its hook environment by pip-installing
akhbar from a git repository holding this checkout's package: a minute or so, mostly pip, once per run.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_manifest

REPO = Path(__file__).resolve().parents[1]
HOOKS = REPO / ".pre-commit-hooks.yaml"
CONFIG = 'title = "آزمایش"\nbase_url = "/"\n\n[normalize]\nenabled = true\n'
GOOD = "---\ntitle: خبر نخست\ndate: 1400-01-01 10:00\nnews_id: 7\n---\n\nمتن خبر نخست.\n"
LINKING = "---\ntitle: خبر دوم\ndate: 1400-02-01 10:00\n---\n\nبنگرید به [خبر نخست](news:7).\n"


def console_scripts() -> dict[str, str]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]


def test_the_manifest_is_valid_for_pre_commit_and_names_both_hooks():
    hooks = {h["id"]: h for h in load_manifest(str(HOOKS))}  # pre-commit's own schema; raises when invalid
    assert set(hooks) == {"akhbar-fmt", "akhbar-check"}
    assert hooks["akhbar-fmt"]["entry"] == "akhbar fmt --check"
    assert hooks["akhbar-check"]["entry"] == "akhbar check" and hooks["akhbar-check"]["pass_filenames"] is False
    for hook in hooks.values():
        assert hook["language"] == "python"  # pre-commit pip-installs this repository: `akhbar` must be its script
        assert console_scripts()[shlex.split(hook["entry"])[0]] == "akhbar.cli:main"


@pytest.mark.parametrize("hook", ["akhbar-fmt", "akhbar-check"])
def test_each_hooks_command_runs_as_the_cli(hook, small_project, tmp_path, cli, monkeypatch):
    """The entry (with the file names pre-commit passes, when it passes them) is a working command:
    it passes a good project and fails a bad one."""
    entry = shlex.split({h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}[hook]["entry"])
    root = small_project(tmp_path / "site", {"1400/a.md": GOOD, "1400/b.md": LINKING}, CONFIG)
    files = ["content/1400/a.md", "content/1400/b.md"] if "fmt" in entry else []
    monkeypatch.chdir(root)  # pre-commit runs hooks from the repository's top folder
    assert cli(*entry[1:], *files).code == 0
    if "fmt" in entry:
        (root / "content/1400/b.md").write_text(LINKING.replace("خبر دوم", "خبري دوم"), encoding="utf-8")
    else:
        (root / "content/1400/b.md").write_text(LINKING.replace("news:7", "news:8"), encoding="utf-8")
    assert cli(*entry[1:], *files).code == 1


# ----------------------------------------------------------------------------- the real framework


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "ویراستار", "GIT_AUTHOR_EMAIL": "editor@example.ir",
           "GIT_COMMITTER_NAME": "ویراستار", "GIT_COMMITTER_EMAIL": "editor@example.ir"}
    return subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, encoding="utf-8", check=check, timeout=600)


@pytest.fixture(scope="module")
def editors_repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """akhbar as a git repository (this checkout's package and hooks, committed), and an editors' repository
    using it through `.pre-commit-config.yaml` with the git hook installed, as the README says."""
    base = tmp_path_factory.mktemp("precommit")
    akhbar = base / "akhbar"
    akhbar.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, akhbar / name)
    shutil.copytree(REPO / "akhbar", akhbar / "akhbar", ignore=shutil.ignore_patterns("__pycache__"))
    git(akhbar, "init", "-q")
    git(akhbar, "add", "-A")
    git(akhbar, "commit", "-qm", "akhbar")
    rev = git(akhbar, "rev-parse", "HEAD").stdout.strip()

    editors = base / "editors"
    shutil.copytree(REPO / "themes", editors / "themes")
    (editors / "site_config.toml").write_text(CONFIG, encoding="utf-8")
    (editors / "content/1400").mkdir(parents=True)
    (editors / "content/1400/a.md").write_text(GOOD, encoding="utf-8")
    (editors / ".gitignore").write_text("output/\n.cache/\n", encoding="utf-8")
    (editors / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {akhbar}\n    rev: {rev}\n    hooks: [{{id: akhbar-fmt}}, {{id: akhbar-check}}]\n",
        encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)  # the hooks must run the akhbar pre-commit installed, not this checkout
    git(editors, "init", "-q")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=editors, env=env, check=True,
                   capture_output=True, timeout=60)
    git(editors, "add", "-A")
    return editors, env


def commit(editors: Path, env: dict[str, str], message: str) -> tuple[int, str]:
    """Exit status and all git and the hooks printed (pre-commit prints to the terminal's stderr under git)."""
    git(editors, "add", "-A")
    done = subprocess.run(["git", "-c", "user.name=ویراستار", "-c", "user.email=editor@example.ir", "-c",
                           "commit.gpgsign=false", "commit", "-m", message], cwd=editors, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=900)
    return done.returncode, done.stdout + done.stderr


def test_a_commit_goes_through_the_hooks_as_the_readme_sets_them_up(editors_repo):
    editors, env = editors_repo
    code, out = commit(editors, env, "نخستین خبر")
    assert code == 0, out
    assert "akhbar fmt --check" in out and "akhbar check (the site builds)" in out and out.count("Passed") == 2

    # Arabic letters in the copy: `fmt --check` refuses, naming the file and the change.
    (editors / "content/1400/b.md").write_text(LINKING.replace("خبر دوم", "خبري دوم"), encoding="utf-8")
    code, out = commit(editors, env, "خبر دوم")
    assert code != 0 and "Failed" in out
    assert "content/1400/b.md" in out and "-title: خبري دوم" in out and "+title: خبری دوم" in out, out

    # Formatted, but linking a news number no article has: `check` refuses with `path:line: message`.
    (editors / "content/1400/b.md").write_text(LINKING.replace("news:7", "news:8"), encoding="utf-8")
    code, out = commit(editors, env, "خبر دوم")
    assert code != 0
    assert "content/1400/b.md:6: link 'news:8' points to no article" in out, out

    (editors / "content/1400/b.md").write_text(LINKING, encoding="utf-8")
    code, out = commit(editors, env, "خبر دوم")
    assert code == 0, out
    assert git(editors, "log", "--format=%s").stdout.split("\n")[:2] == ["خبر دوم", "نخستین خبر"]
    assert not (editors / "output").exists()  # the hooks check, they do not build


def test_the_readmes_pre_commit_config_is_valid(tmp_path):
    """The `.pre-commit-config.yaml` the README shows names the hooks this repository ships."""
    from pre_commit.clientlib import load_config

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### pre-commit", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".pre-commit-config.yaml").write_text(block, encoding="utf-8")
    [repo] = load_config(str(tmp_path / ".pre-commit-config.yaml"))["repos"]  # pre-commit's schema
    assert [h["id"] for h in repo["hooks"]] == ["akhbar-fmt", "akhbar-check"]
    assert {h["id"] for h in load_manifest(str(HOOKS))} == {h["id"] for h in repo["hooks"]}
    assert "pip install pre-commit\n    pre-commit install\n" in section
