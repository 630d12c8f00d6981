"""The corpus report page in a real browser (headless Chromium from Debian).

Chromium loads ``index.html`` of a report on the fictional corpus of ``test_report.py``:
``--dump-dom`` shows the tables and plots are in the page, with scripts on (the sort script
runs without an error) and with scripts off (every table is still there, filled); a copy of
the page with a measuring script tells whether anything sticks out sideways at 1280 and 800
pixels; and screenshots at both widths are not blank. Set ``FRAMESCORE_SCREENSHOTS=DIR`` to
keep the screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import invoke
from test_report import write_corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a Chromium process per test
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]
TABLES = ("groups", "voices", "attribution", "terms", "adopted")
PLOTS = ("plot-scores", "plot-voice", "plot-time-score", "plot-time-own")
WIDTHS = (1280, 800)

needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                                   "(apt-get install chromium; .ci/run installs it)")

#: Appended to a copy of the page: writes the widths that matter into the DOM.
_MEASURE = """<script>
window.addEventListener('load', function () {
  var boxes = Array.prototype.map.call(document.querySelectorAll('.scroll'), function (d) {
    return d.querySelector('table').id + ':' + d.scrollWidth + ':' + d.clientWidth; });
  document.body.setAttribute('data-measured', [window.innerWidth,
    document.documentElement.scrollWidth].concat(boxes).join(' '));
});
</script>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory, default_model_dir) -> Path:
    root = tmp_path_factory.mktemp("report_page")
    table, _ = write_corpus(root / "corpus")
    out = root / "report"
    invoke(CliRunner(), ["report", table, "--group-col", "outlet", "--time-col", "date",
                         "--id-col", "id", "-o", out, "--model", default_model_dir])
    return out / "index.html"


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def _table_rows(dom: str, ident: str) -> int:
    found = re.search(rf'<table id="{ident}"[^>]*>(.*?)</table>', dom, re.S)
    assert found, f"no table {ident}"
    body = found.group(1).split("<tbody>", 1)[1]
    return body.count("<tr")


@needs_browser
def test_dom_has_tables_and_plots_with_scripts_on(page, tmp_path):
    result = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert _table_rows(dom, "groups") == 4
    for ident in TABLES:
        assert _table_rows(dom, ident) > 0, ident
    for ident in PLOTS:
        assert re.search(rf'<svg id="{ident}"[^>]*>.*?<(circle|path)', dom, re.S), ident
    assert dom.count("<circle") > 40  # one dot per article and more
    assert re.search(r"<th[^>]* data-sort=", dom)  # the sort script ran to the end


@needs_browser
def test_every_table_reads_with_scripts_off(page, tmp_path):
    # Chromium's --blink-settings=scriptEnabled=false also stops --dump-dom and
    # --screenshot; a Content-Security-Policy that allows no script turns the page's scripts
    # off the same way, and leaves the browser's own tools working.
    blocked = page.with_name("no_scripts.html")
    blocked.write_text(page.read_text(encoding="utf-8").replace(
        "<head>", "<head><meta http-equiv=\"Content-Security-Policy\" "
                  "content=\"script-src 'none'\">", 1), encoding="utf-8")
    result = _chromium(tmp_path, "--dump-dom", blocked.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert not re.search(r"<th[^>]* data-sort=", dom)  # the page's script did not run
    assert _table_rows(dom, "groups") == 4
    for ident in TABLES:
        assert _table_rows(dom, ident) > 0, ident
    for ident in PLOTS:
        assert f'<svg id="{ident}"' in dom, ident
    assert "puppet regime" in dom and "Harbor Herald" in dom
    shot = tmp_path / "no_scripts.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=800,1600", blocked.as_uri())
    assert shot.exists()
    import matplotlib.image as mpimg

    assert mpimg.imread(shot)[..., :3].std() > 0.04, "the page is blank without scripts"


@needs_browser
@pytest.mark.parametrize("width", WIDTHS)
def test_no_sideways_scroll(page, tmp_path, width):
    probe = page.with_name(f"measure_{width}.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"),
                     encoding="utf-8")
    result = _chromium(tmp_path, f"--window-size={width},1000", "--dump-dom", probe.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    measured = re.search(r'data-measured="([^"]+)"', result.stdout)
    assert measured, "the measuring script did not run"
    inner, page_width, *boxes = measured.group(1).split()
    assert int(inner) == width
    assert int(page_width) <= width, f"the page scrolls sideways at {width}px"
    for box in boxes:  # and no table needs its own scroll bar with four groups
        ident, scroll, client = box.split(":")
        assert int(scroll) <= int(client), f"table {ident} is too wide at {width}px"


@needs_browser
@pytest.mark.parametrize("width", WIDTHS)
def test_screenshot(page, tmp_path, width):
    import matplotlib.image as mpimg

    shot = tmp_path / f"report_{width}.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", f"--window-size={width},2400",
                       page.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    pixels = (mpimg.imread(shot)[..., :3] * 255).astype(int)
    assert pixels.shape[1] == width
    assert pixels.std() > 10, "the screenshot is blank"
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    assert ((r > 150) & (g < 90) & (b < 90)).sum() > 50, "no red means or cells visible"
    assert np.mean(pixels > 235) > 0.5  # a light page
    keep = os.environ.get("FRAMESCORE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
