"""Headless Chromium for the browser tests, through Playwright's sync API (never a downloaded browser).

    from browser import chromium

    def test_something():
        with chromium() as browser:
            page = browser.new_page()

When Playwright or Debian's /usr/bin/chromium is missing (or the browser cannot start), the test is
skipped with the reason, except under CI (CI=true), where a missing browser fails the test: CI
installs chromium (see .ci/run), so its absence there is a broken pipeline, not a choice.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str, tests: str = "the browser tests") -> NoReturn:
    """Skip the test, or fail it under CI=true (which installs every tool a test needs: .ci/run)."""
    if in_ci():
        pytest.fail(f"CI=true and {tests} cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def chromium(**launch: Any) -> Iterator[Any]:
    """A launched headless Chromium (playwright Browser), closed on exit; extra `launch` options pass through."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is not installed (pip install -e '.[test]')")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, **launch)
        except Exception as e:  # noqa: BLE001 - any launch failure means "no browser here"
            unavailable(f"{CHROMIUM} did not start: {str(e).splitlines()[0] if str(e) else e!r}")
        try:
            yield browser
        finally:
            browser.close()
