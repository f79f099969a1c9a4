"""The HTML report in a real browser: headless Chromium (Debian's package) driven by Playwright.

The trade-off table has six rows, every chart image loads (naturalWidth > 0), and the page asks the
network for nothing: every request is routed through a handler that fails the test on any address that
is not a file: or data: URL. Install the browser with `tests/setup-browser.sh`; without it this test skips.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compare import Plan, compare_methods
from tailor.config import runs_dir

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# A real browser is started (about 10 s on a busy machine), hence `slow`.
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="Debian's chromium is not installed; run tests/setup-browser.sh")]


def open_report(page_file: Path) -> dict:
    """Load the page; return the table's row count, the images' natural widths and every request seen."""
    from playwright.sync_api import sync_playwright

    outside = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})  # a laptop's window
            page.route("**/*", guard)
            page.on("request", lambda r: r.url.startswith(("file:", "data:")) or outside.append(r.url))
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            rows = page.locator("#tradeoff tbody tr").count()
            widths = page.eval_on_selector_all("img", "all => all.map(i => i.complete ? i.naturalWidth : 0)")
            failed_row = page.locator("#tradeoff tbody tr.failed").count()
            wide = page.eval_on_selector_all(  # tables wider than the page: the reader would scroll sideways
                "table", "all => all.filter(t => t.getBoundingClientRect().right > "
                "document.documentElement.clientWidth + 1).map(t => t.id || t.rows[0].innerText.slice(0, 60))")
        finally:
            browser.close()
    return {"rows": rows, "widths": widths, "outside": outside, "failed_rows": failed_row, "wide": wide}


def test_report_opens_offline_with_six_rows_and_every_image_loaded():
    from test_compare import documents, scripted

    docs = documents()
    sources, advise = scripted(docs, fail={"agents": "raise SystemExit('error: no scenarios')"})
    folder = compare_methods(Plan(backend="fake"), sources=sources, advise=advise)
    seen = open_report(folder / "report.html")
    assert seen["rows"] == 6
    assert seen["failed_rows"] == 1
    assert len(seen["widths"]) == 3  # quality against cost, latency, the four variants
    assert all(width > 0 for width in seen["widths"])
    assert seen["outside"] == []
    assert seen["wide"] == [], "tables wider than a 1280-pixel window"
    assert (runs_dir() / "compare").is_dir()
