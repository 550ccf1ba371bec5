"""The page over an index of pages, dumps, feeds and an archive: the original's URL is a link beside the citation,
in the article view and in the Texts tab, opening in a new tab with rel="noopener noreferrer"; an address that is
not http/https is never a link (headless Chromium, as tests/test_browser.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from hostile_cases import running_app  # noqa: E402
from test_sources import FIXTURES  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
TIMEOUT_MS = 120_000
PAGE_URL = "https://ledger.example.com/news/2024/03/harbour-bridge-repairs"
SCREENSHOTS = Path("/tmp/assistant-sources-screens")


@pytest.fixture(scope="module")
def news_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("news-page")
    for name in ("harbour-bridge.html", "newsroom.jsonl", "city-feed.rss", "crawl.warc.gz"):
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "odd.jsonl").write_text(json.dumps({
        "id": "odd-link", "url": "javascript:alert(1)",
        "text": "The lighthouse keeper said the lamp would be replaced in spring."}) + "\n", encoding="utf-8")
    Assistant.build([folder], folder / "index")
    return folder / "index"


def test_urls_are_links_that_open_in_a_new_tab(news_index: Path) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    with running_app(news_index) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for label, viewport in (("desktop", {"width": 1400, "height": 900}), ("phone", {"width": 390, "height": 844})):
            page = browser.new_context(viewport=viewport).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url, wait_until="domcontentloaded")
            page.locator("#question textarea").fill("What did the mayor say about the bridge cables?")
            page.locator("#ask-button").click()
            chat_link = page.locator(f'#chat a[href="{PAGE_URL}"]').first
            chat_link.wait_for(state="visible")
            page.wait_for_timeout(600)
            assert chat_link.get_attribute("target") == "_blank"
            assert chat_link.get_attribute("rel") == "noopener noreferrer"
            view_link = page.locator(f'#article-view a[href="{PAGE_URL}"]')
            view_link.wait_for(state="visible")
            assert (view_link.get_attribute("target"), view_link.get_attribute("rel")) == ("_blank", "noopener noreferrer")
            page.screenshot(path=str(SCREENSHOTS / f"ask-{label}.png"))

            page.get_by_role("tab", name="Texts").click()
            table_link = page.locator(f'#documents a[href="{PAGE_URL}"] >> visible=true').first
            table_link.wait_for(state="visible")
            assert table_link.get_attribute("rel") == "noopener noreferrer"
            assert page.locator('a[href^="javascript"]').count() == 0  # the odd address stays text
            assert "javascript:alert(1)" in page.locator("#documents").inner_text()
            page.screenshot(path=str(SCREENSHOTS / f"texts-{label}.png"))
            assert dialogs == []
            page.context.close()
        browser.close()
