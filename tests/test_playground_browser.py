"""`tailor playground` in a real browser, on the real local model: headless Chromium (Debian's package) driven
by Playwright against the server started on loopback, as a user starts it.

Two tabs are used, the cheap ones: a table row (the custom model beside the LLM) and an app idea (the
advisor beside the LLM's pick). Every request the page makes is recorded; none may leave the server. The
screenshot the README shows is saved as playground/screenshot.png.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import free_port
from servers import running

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path(__file__).resolve().parents[1] / "playground" / "screenshot.png"
ANSWER_S = 150  # per tab, on a busy 2-core machine (measured: about 25 s and 45 s under load)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420),
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="Debian's chromium is not installed; run tests/setup-browser.sh")]


def finished(page, tab: str, columns: int) -> None:
    """Wait until every column of the tab has its numbers (its stats event arrived)."""
    page.wait_for_function(
        f"document.querySelectorAll('#tab-{tab} .card.done, #tab-{tab} .card.failed').length === {columns}",
        timeout=ANSWER_S * 1000)


def cards(page, tab: str) -> dict:
    return page.eval_on_selector_all(
        f"#tab-{tab} .card", "all => Object.fromEntries(all.map(c => [c.dataset.key, "
        "{answer: c.querySelector('.answer').textContent, numbers: c.querySelector('.numbers').textContent, "
        "failed: c.classList.contains('failed'), text: c.textContent}]))")


def test_two_tabs_answer_side_by_side_in_a_real_browser_and_nothing_leaves_loopback(tmp_path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = [sys.executable, "-m", "tailor", "playground", "--port", str(port)]
    requests = []
    with running(command, f"http://127.0.0.1:{port}/api/health", timeout_s=60, log=tmp_path / "server.log"), \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            # Playwright's waits evaluate strings, which the page's own CSP forbids; the recorded requests
            # below are this test's check that nothing leaves loopback
            page = browser.new_page(viewport={"width": 1200, "height": 820}, bypass_csp=True)
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"http://127.0.0.1:{port}/", wait_until="load")

            page.click("nav button[data-tab=table]")  # a held-out wine row fills the form
            page.wait_for_function("document.querySelectorAll('#row input').length === 13", timeout=60_000)
            truth = page.text_content("#truth")
            page.click("#tab-table button.run")
            finished(page, "table", 2)
            table = cards(page, "table")

            page.click("nav button[data-tab=idea]")
            page.fill("#tab-idea textarea", "A chatbot that answers staff questions from our internal policy "
                                            "documents and cites the page it used")
            page.click("#tab-idea button.run")
            finished(page, "idea", 2)
            idea = cards(page, "idea")
            page.screenshot(path=str(SCREENSHOT))

            page.fill("#tab-idea textarea", "")  # empty input: the page says so, and the server answers 4xx
            page.evaluate("document.querySelector('#tab-idea textarea').required = false")
            page.click("#tab-idea button.run")
            page.wait_for_function("document.querySelector('#tab-idea .error').textContent.includes('HTTP 400')")
        finally:
            browser.close()

    assert table["model"]["answer"] in {"cultivar_0", "cultivar_1", "cultivar_2"}
    assert truth.endswith(table["model"]["answer"])  # the held-out row the model is right on
    assert table["llm"]["answer"] in {"cultivar_0", "cultivar_1", "cultivar_2"}
    assert "prompt + " in table["llm"]["numbers"] and "1 model call" in table["llm"]["numbers"]
    assert "0 model calls" in table["model"]["numbers"]
    assert idea["advisor"]["answer"] == "retrieval-augmented generation (RAG)"
    assert "why:" in idea["advisor"]["text"] and "start from: rag/" in idea["advisor"]["text"]
    assert not idea["other"]["failed"] and idea["other"]["answer"]
    assert requests and all(urlparse(url).hostname == "127.0.0.1" for url in requests), requests
    assert SCREENSHOT.stat().st_size > 10_000
