"""A quote check on the page, in headless Chromium at 1400×900 and 390×844: the quote and its source side by side
(stacked on a phone), the differing words highlighted on each side, everything inside the window, markup inert.

Started as tests/test_browser.py starts the app and the browser; the index is tests/quote_check/texts. The
screenshots are written to a temporary folder (``ASSISTANT_QUOTE_SCREENSHOTS=DIR`` keeps them in DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_browser import SIZES, Page  # noqa: F401 - also skips this module where chromium or playwright is missing

from hostile_cases import running_app

TEXTS = Path(__file__).parent / "quote_check" / "texts"
CLOSE = "Did Doyle say 'I know this dressing room, and I know these players cannot keep us up'?"
HOSTILE = "Did Grant say '<img src=x onerror=window.__pwned=7> Every one of those beds will be open before July'?"


@pytest.fixture(scope="module")
def quote_app(tmp_path_factory: pytest.TempPathFactory):
    from assistant import Assistant

    index = tmp_path_factory.mktemp("quote-page") / "index"
    Assistant.build([TEXTS], index)
    with running_app(index) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from test_browser import ARGS, CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def screenshot_dir(tmp_path: Path) -> Path:
    chosen = os.environ.get("ASSISTANT_QUOTE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("viewport", SIZES)
def test_the_quote_and_its_source_are_side_by_side_with_the_differences_highlighted(browser, quote_app, viewport,
                                                                                    tmp_path: Path):
    page = Page(browser, quote_app, viewport)
    try:
        p = page.page
        page.ask(CLOSE)
        assert page.last_reply().startswith("Close, not exact.")
        block = p.locator("#article-view .quote-check")
        block.wait_for(state="visible")
        block.scroll_into_view_if_needed()
        assert block.get_attribute("data-verdict") == "close"
        assert block.locator(".qc-verdict").inner_text().startswith("Close, not exact: 2 words differ · Kevin Doyle")
        quote, source = block.locator(".qc-quote"), block.locator(".qc-source")
        assert [m.inner_text() for m in quote.locator("mark.qc-diff").all()] == ["cannot"]
        assert [m.inner_text() for m in source.locator("mark.qc-diff").all()] == ["can still"]
        assert "I know this dressing room" in quote.inner_text() and "Doyle said" in source.inner_text()
        # the highlight is visible: a background of its own, not the text's
        styles = p.evaluate("() => { const m = document.querySelector('.qc-source mark.qc-diff');"
                            " const s = getComputedStyle(m); return [s.backgroundColor, s.color]; }")
        assert styles[0] not in ("rgba(0, 0, 0, 0)", "transparent") and styles[0] != styles[1]
        q, s = page.rect("#article-view .qc-quote"), page.rect("#article-view .qc-source")
        if viewport["width"] >= 1000:
            assert abs(q["top"] - s["top"]) < 2 and q["right"] <= s["left"], (q, s)  # side by side
        else:
            assert q["bottom"] <= s["top"] + 1, (q, s)  # stacked: the quote above its source
        assert 0 <= q["left"] and s["right"] <= viewport["width"], (q, s)
        assert p.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling
        p.screenshot(path=str(screenshot_dir(tmp_path) / f"quote-check-{viewport['width']}.png"))
    finally:
        page.close()


def test_markup_in_a_checked_quote_is_shown_as_text_and_never_run(browser, quote_app):
    page = Page(browser, quote_app)
    try:
        page.ask(HOSTILE)
        block = page.page.locator("#article-view .quote-check")
        block.wait_for(state="visible")
        assert "<img src=x onerror=window.__pwned=7>" in block.locator(".qc-quote").inner_text()
        assert "<img src=x onerror=window.__pwned=7>" in page.page.locator("#chat").inner_text()
        page.check_nothing_ran("127.0.0.1:9")
    finally:
        page.close()
