"""The HTML explanation rendered by a real browser (headless Chromium from Debian).

The page is rendered twice: ``--dump-dom`` gives the DOM after parsing (the spans are there,
with their tooltips), and a screenshot shows the highlights are visible: the page has pixels
in the framed (red) and neutral (blue) highlight colours, and is not blank.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from framescore.cli import cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a Chromium process per test
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]

needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                                   "(apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def page(tmp_path_factory, default_model_dir) -> Path:
    out = tmp_path_factory.mktemp("html") / "explain.html"
    result = CliRunner().invoke(cli, ["explain", str(ROOT / "examples" / "partisan_report.txt"),
                                       "--format", "html", "-o", str(out),
                                       "--model", str(default_model_dir)])
    assert result.exit_code == 0, result.output
    return out


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_page_is_self_contained(page):
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html
    assert html.count('<mark class="span"') >= 5


@needs_browser
def test_browser_dom_has_the_spans_and_tooltips(page, tmp_path):
    result = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    marks = re.findall(r'<mark class="span"[^>]*data-feature="([^"]+)"[^>]*>', dom)
    assert "loaded:valorizing:narrator" in marks
    assert re.search(r'<span class="tip">[^<]*voice narrator[^<]*</span>', dom)
    assert 'id="bars"' in dom and dom.count('class="bar"') >= 5


@needs_browser
def test_screenshot_shows_visible_highlights(page, tmp_path):
    import matplotlib.image as mpimg

    shot = tmp_path / "shot.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1400",
                       page.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    pixels = (mpimg.imread(shot)[..., :3] * 255).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    reddish = (r > 180) & (g < 170) & (b < 170) & (r - g > 40)
    bluish = (b > 150) & (r < 170) & (b - r > 40)
    assert pixels.std() > 10, "the screenshot is blank"
    assert reddish.sum() > 500, "no visible framed highlights"
    assert bluish.sum() > 50, "no visible neutral highlights or bars"
    assert np.mean(pixels > 245) > 0.5  # mostly white page with coloured marks


@needs_browser
def test_no_sideways_scroll_at_800_px(page, tmp_path):
    """A copy of the page with a probe script that writes the document's scroll width into
    the DOM: at 800 px it must not exceed the window."""
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace(
        "</body>", "<script>document.body.setAttribute('data-overflow', "
        "document.documentElement.scrollWidth - document.documentElement.clientWidth)"
        "</script></body>"), encoding="utf-8")
    result = _chromium(tmp_path, "--window-size=800,1000", "--dump-dom", probe.as_uri())
    overflow = re.search(r'data-overflow="(-?\d+)"', result.stdout)
    assert overflow, result.stderr[-2000:]
    assert int(overflow.group(1)) <= 0


def test_an_explanation_shows_itself_in_jupyter(default_model_dir):
    import framescore
    from framescore.explain import explain

    expl = explain(framescore.load(default_model_dir),
                   (ROOT / "examples" / "partisan_report.txt").read_text(encoding="utf-8"))
    fragment = expl._repr_html_()
    assert fragment.startswith('<div class="fs">') and fragment.endswith("</div>")
    assert "<html" not in fragment and "<body" not in fragment
    assert 'id="article"' in fragment and fragment.count('<mark class="span"') >= 5
