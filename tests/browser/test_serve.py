"""reviewer serve in a real browser: headless Chromium (Debian's chromium and chromium-driver,
driven by Selenium) tags three sentences; the TOML on disk and a screenshot (read back with
tesseract) show the work. A second tab of the same reviewer opens read-only.

Needs: chromium, chromium-driver, tesseract-ocr (apt) and selenium (pip install '.[browser]');
skipped without them unless REVIEWER_BROWSER=1 (set by .ci/run, which installs them)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
TESSERACT = shutil.which("tesseract")
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover
    webdriver = None  # type: ignore[assignment]

missing = [n for n, v in (("chromium", CHROMIUM), ("chromium-driver", DRIVER),
                          ("tesseract", TESSERACT), ("selenium", webdriver)) if not v]  # fmt: skip
if missing:
    if os.environ.get("REVIEWER_BROWSER"):
        raise RuntimeError(f"browser test needs {', '.join(missing)}")
    pytest.skip(f"browser test needs {', '.join(missing)}", allow_module_level=True)

ENTER = "\ue007"
ESCAPE = "\ue00c"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(SEEDS, project / "seeds")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "reviewer", "serve", "--port", str(port)],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the server and the apps it starts: one process group
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)
    try:
        yield url, project
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1400,900"):  # fmt: skip
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def _press(driver, *keys: str) -> None:
    for key in keys:
        ActionChains(driver).send_keys(key).perform()
        time.sleep(0.3)


def _screen_text(driver, path: Path) -> str:
    driver.save_screenshot(str(path))
    out = subprocess.run([TESSERACT, str(path), "-"], capture_output=True, text=True, timeout=60)
    return out.stdout


def _showing(driver, path: Path, needle: str, timeout: float = 30.0) -> str | None:
    """The page's text (OCR of a screenshot at ``path``) once it contains ``needle``, else
    None after ``timeout`` seconds."""
    return _wait_for(
        lambda: (text := _screen_text(driver, path)) and needle in text and text, timeout
    )


def _wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.5)
    return predicate()


def _open_as(driver, url: str, name: str) -> None:
    driver.get(url)
    terminal = _wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".textual-terminal"))
    time.sleep(2)  # the app starts behind the page: its first screen asks for the name
    terminal[0].click()
    _press(driver, *name, ENTER)


def _labels(saved: Path, count: int) -> list[str] | None:
    """The labels in the set on disk once it holds ``count`` annotations, else None."""
    if not saved.exists():
        return None
    found = [a["label"] for a in tomllib.loads(saved.read_text()).get("annotation", [])]
    return found if len(found) == count else None


def test_a_browser_tab_tags_three_sentences(served, tmp_path: Path):
    url, project = served
    saved = project / "annotations" / "ana.toml"
    first = _browser()
    try:
        _open_as(first, url, "ana")
        time.sleep(3)
        _press(first, "s", "j", "c", "j", "f")

        def labels():
            return _labels(saved, 3)

        assert _wait_for(labels) == ["supported", "contradicted", "fabricated"]
        text = _showing(first, tmp_path / "tab1.png", "3/187 tagged")
        assert text, "the status line never showed 3/187 tagged"
        assert "Putin" in text or "Xi Jinping" in text  # the document text is on the page
        # A second tab of the same reviewer: read-only, it cannot overwrite the first.
        second = _browser()
        try:
            _open_as(second, url, "ana")
            time.sleep(3)
            shown = _showing(second, tmp_path / "tab2.png", "READ-ONLY")
            assert shown, "the second tab did not say READ-ONLY"
            _press(second, "x")
            time.sleep(1)
            assert labels() == ["supported", "contradicted", "fabricated"]
        finally:
            second.quit()
    finally:
        first.quit()


def test_escape_and_a_key_together_close_the_help_and_tag(served, tmp_path: Path):
    # xterm.js sends alt+f as escape then f, as a terminal does: "escape, f" pressed together
    # was read as one key, alt+f, so the help stayed open and the tag was lost.
    url, project = served
    saved = project / "annotations" / "bo.toml"
    browser = _browser()
    try:
        _open_as(browser, url, "bo")
        time.sleep(3)
        _press(browser, "?")
        time.sleep(1)
        ActionChains(browser).send_keys(ESCAPE, "f").perform()

        assert _wait_for(lambda: _labels(saved, 1), timeout=15) == ["fabricated"]
        text = _showing(browser, tmp_path / "bo.png", "1/187 tagged")
        assert text and "reviewer keys" not in text
    finally:
        browser.quit()
