"""The weekly report in a real headless browser (Debian's chromium): what the page shows, and that markup
injected through a posting title stays inert text."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from pipelines.report import write_report
from tests.test_report import WEEK, Elements, seed_market

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={folder / 'chromium-profile'}", *args],
                          capture_output=True, text=True, timeout=180, check=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("browser")
    db, _ = seed_market(folder, embedder)
    (html_path, _), _ = write_report(db, WEEK, folder / "out")
    return folder, html_path


def test_the_browser_runs_page_scripts_at_all(tmp_path):
    """The control: in this mode a script that sets document.title does change it in the dumped DOM."""
    page = tmp_path / "control.html"
    page.write_text("<!doctype html><title>before</title><script>document.title = 'ran'</script>", encoding="utf-8")
    assert "<title>ran</title>" in chromium(tmp_path, "--dump-dom", page.as_uri()).stdout


def test_report_shows_companies_and_charts_and_runs_no_injected_script(rendered):
    folder, html_path = rendered
    dom = chromium(folder, "--dump-dom", html_path.as_uri()).stdout
    assert "<title>marketfit · jordan · week of 2026-03-30</title>" in dom   # the injected script would retitle
    assert "pwned" not in dom.split("</title>")[0] and "data-pwned" not in dom
    for company in ("Northwind", "Kestrel", "Orbit", "Lumen", "Evil Corp", "Closing Co"):
        assert company in dom
    elements = Elements()
    elements.feed(dom)
    assert "script" not in elements.tags and "img" not in elements.tags
    assert sum(tag == "svg" and name == "class" and value == "chart" for tag, name, value in elements.attributes) == 3
    assert "polyline" in elements.tags and "rect" in elements.tags
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom   # shown as text


def test_screenshot_is_a_full_page_render(rendered):
    folder, html_path = rendered
    shot = folder / "report.png"
    chromium(folder, f"--screenshot={shot}", "--window-size=1280,2000", html_path.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 100_000   # a rendered page of tables and charts, not a blank canvas
