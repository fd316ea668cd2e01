"""The Nu Html Checker (vnu.jar, the W3C validator's engine) finds no error in any page of the sample site.

All pages, the theme's stylesheet and one page that is invalid on purpose (so a checker that checks
nothing cannot pass) go through one Java run. The jar comes from npm's `vnu-jar` package, which
`make test` installs into .tools/ (git-ignored); `VNU_JAR` names another copy. Without Java or the jar
the test is skipped, except under CI=true (.ci/run installs both), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from browser import unavailable

REPO = Path(__file__).resolve().parents[1]
JAR = REPO / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"
BROKEN = """<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>نادرست</title></head>
<body><p><div>بلوک درون پاراگراف</p><img src="x.png"></body></html>
"""


def vnu() -> list[str]:
    java = shutil.which("java")
    jar = Path(os.environ.get("VNU_JAR", JAR))
    if java is None:
        unavailable("java is missing (apt-get install default-jre-headless)", "the HTML validity test")
    if not jar.is_file():
        unavailable(f"{jar} is missing (make test installs it: npm install --prefix .tools vnu-jar)",
                    "the HTML validity test")
    return [java, "-jar", str(jar)]


def test_every_page_and_the_stylesheet_are_valid(sample_site, tmp_path):
    command = vnu()
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN, encoding="utf-8")
    pages = sorted(sample_site.output.rglob("*.html"))
    css = sorted(sample_site.output.rglob("*.css"))
    assert len(pages) == len(sample_site.pages) > 100 and css
    done = subprocess.run([*command, "--format", "json", "--stdout", "--also-check-css",
                           *map(str, [*pages, *css, broken])], capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stdout)["messages"]

    def where(message: dict) -> Path:
        return Path(unquote(urlsplit(message.get("url", "")).path))

    assert any(m["type"] == "error" and where(m) == broken for m in messages), "vnu found nothing wrong in a broken page"
    problems = [f"{where(m).relative_to(sample_site.output) if where(m).is_relative_to(sample_site.output) else where(m)}"
                f":{m.get('lastLine', '?')}: {m['message']}"
                for m in messages if m["type"] in ("error", "non-document-error") and where(m) != broken]
    assert not problems, f"{len(problems)} error(s):\n" + "\n".join(problems[:40])
