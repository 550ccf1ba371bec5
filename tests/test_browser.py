"""In the page (issue 5): HTML, script and markdown from articles and questions are shown as text and never run.

The app runs in its own process; Playwright drives Debian's chromium. Also saves ``docs/screenshot.png`` (the README
shows it): the answered chat for "What did Putin say about hackers?" on the bundled article.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hostile_cases import running_app

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

README_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"
"""Written only when ``ASSISTANT_UPDATE_SCREENSHOT=1``; otherwise the screenshot goes to a temporary folder."""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000

HOSTILE_ARTICLE = """date 2017-06-05

The security chief said the attackers left a note reading <script>window.__pwned=1</script> on the server.

The photo editor said the tag <img src=x onerror="window.__pwned=1"> was found in a caption.

The web team said the link [x](javascript:window.__pwned=1) was hidden in the footer.

The analyst said the chart ![x](http://127.0.0.1:9/x.png) never loaded.
"""
HOSTILE_QUESTION = "What did the security chief, the photo editor, the web team and the analyst say?"

UPLOADED_ARTICLE = """# Uploaded <script>window.__pwned=3</script> report

The harbour master said the warning <script>window.__pwned=2</script> was painted on the pier.

The diver said the sign <img src=x onerror="window.__pwned=2"> had fallen into the water.

The mayor said the notice [read me](javascript:window.__pwned=2) and ![map](http://127.0.0.1:9/map.png) were fake.
"""
UPLOADED_QUESTION = "What did the harbour master, the diver and the mayor say?"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("hostile-page")
    source = folder / "hostile.txt"
    source.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    Assistant.build([source], folder / "index")
    return folder / "index"


class Page:
    """One browser page on the app, recording dialogs and every request it makes."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until="domcontentloaded")
        self.page.locator("#question textarea").wait_for(state="visible")
        self.page.locator("#article-view").wait_for(state="attached")

    def ask(self, question: str) -> str:
        page = self.page
        page.get_by_role("tab", name="Ask").click()
        count = "() => (document.querySelector('#chat').innerText.match(/score \\d/g) || []).length"
        before = page.evaluate(count)
        page.locator("#question textarea").fill(question)
        page.locator("#ask-button").click()
        # the reply has arrived when more cited sentences ("score 0.71") are shown than before
        page.wait_for_function(f"([before]) => ({count})() > before", arg=[before])
        page.locator("#article-view mark").first.wait_for(state="visible")
        return page.locator("#chat").inner_text()

    def check_nothing_ran(self, remote: str) -> None:
        page = self.page
        page.wait_for_timeout(500)  # give any injected handler the chance to fire
        assert page.evaluate("typeof window.__pwned") == "undefined", "injected script ran"
        assert self.dialogs == [], self.dialogs
        sources = page.evaluate("[...document.images].map(i => i.getAttribute('src') || '')")
        assert not [s for s in sources if s.strip() in ("x", "") or remote in s], sources
        links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        assert not [h for h in links if re.sub(r"\s", "", h).lower().startswith("javascript:")], links
        assert not page.evaluate(
            "[...document.scripts].some(s => /^\\s*window\\.__pwned/.test(s.textContent))"
        ), "a script element with the injected code is in the page"
        assert not page.evaluate(
            "[...document.querySelectorAll('*')].some(e => [...e.attributes].some("
            "a => a.name.startsWith('on') && a.value.includes('__pwned')))"
        ), "an element with an injected event handler is in the page"
        assert page.locator("iframe").count() == 0
        assert not [u for u in self.requests if remote in u], [u for u in self.requests if remote in u]

    def close(self) -> None:
        self.context.close()


def visible_text_contains(locator, text: str) -> bool:
    return locator.is_visible() and text in locator.inner_text()


def test_markup_in_articles_is_shown_as_text_and_never_run(browser, hostile_index: Path):
    with running_app(hostile_index) as url:
        page = Page(browser, url)
        try:
            chat = page.ask(HOSTILE_QUESTION)
            view = page.page.locator("#article-view")
            # the markup is there, visible, as text: in the chat and in the article view
            assert "<script>window.__pwned=1</script>" in chat, chat[:1500]
            assert visible_text_contains(view, "<script>window.__pwned=1</script>")
            assert '<img src=x onerror="window.__pwned=1">' in chat
            assert "[x](javascript:window.__pwned=1)" in chat
            assert "![x](http://127.0.0.1:9/x.png)" in chat
            assert visible_text_contains(view, '<img src=x onerror="window.__pwned=1">')
            page.check_nothing_ran("127.0.0.1:9")

            # a question carrying markup is echoed as text too
            page.ask("<script>window.__pwned=4</script><img src=x onerror=window.__pwned=4> ![y](http://127.0.0.1:9/q.png) chart?")
            assert "<script>window.__pwned=4</script>" in page.page.locator("#chat").inner_text()
            page.check_nothing_ran("127.0.0.1:9")
        finally:
            page.close()


def test_uploaded_article_with_markup_is_inert(browser, hostile_index: Path, tmp_path: Path):
    import shutil

    index = tmp_path / "index"
    shutil.copytree(hostile_index, index)
    upload = tmp_path / "harbour <img src=x onerror=window.__pwned=5>.md"
    upload.write_text(UPLOADED_ARTICLE, encoding="utf-8")
    binary = tmp_path / "<img src=x onerror=window.__pwned=6>.txt"
    binary.write_bytes(b"\x89PNG\x00\x00")
    with running_app(index) as url:
        page = Page(browser, url)
        try:
            p = page.page
            p.get_by_role("tab", name="Texts and index").click()
            files = p.locator("input[type=file]")
            # first a binary file with a markup name: a clear error, shown as text, and the index unchanged
            files.set_input_files(str(binary))
            p.wait_for_function("n => document.body.innerText.includes(n)", arg="onerror=window.__pwned=6")
            p.locator("#rebuild-button").click()
            toast = p.get_by_test_id("toast-body").first
            toast.wait_for(state="visible")
            message = toast.inner_text()
            assert "binary" in message, message
            page.check_nothing_ran("127.0.0.1:9")
            # then the article, through the page's upload (on a fresh page: the file list keeps the binary file)
            p.reload(wait_until="domcontentloaded")
            p.locator("#question textarea").wait_for(state="visible")
            p.get_by_role("tab", name="Texts and index").click()
            files.set_input_files(str(upload))
            p.wait_for_function("n => document.body.innerText.includes(n)", arg="harbour <img")
            p.locator("#rebuild-button").click()
            p.wait_for_function("document.querySelector('#build-status').innerText.includes('built')")
            status = p.locator("#build-status").inner_text()
            assert "2 document(s)" in status, status
            page.check_nothing_ran("127.0.0.1:9")

            chat = page.ask(UPLOADED_QUESTION)
            assert "<script>window.__pwned=2</script>" in chat, chat[:1500]
            assert "[read me](javascript:window.__pwned=2)" in chat
            view = p.locator("#article-view")
            assert visible_text_contains(view, "<script>window.__pwned=2</script>")
            assert visible_text_contains(view, "<script>window.__pwned=3</script>")  # the title, as text
            page.check_nothing_ran("127.0.0.1:9")
        finally:
            page.close()
    sources = sorted(p.name for p in (index / "sources").iterdir())
    assert sources == ["harbour-img-src-x-onerror-window.__pwned-5.md", "hostile.txt"], sources


def test_screenshot_of_an_answered_chat(browser, built_index: Path, tmp_path: Path):
    import os
    import shutil

    update = os.environ.get("ASSISTANT_UPDATE_SCREENSHOT") == "1"
    SCREENSHOT = README_SCREENSHOT if update else tmp_path / "screenshot.png"
    shutil.copytree(built_index, tmp_path / "index")
    with running_app(Path("index"), cwd=tmp_path) as url:  # the page shows the index as "index"
        page = Page(browser, url)
        try:
            p = page.page
            sentences = p.get_by_role("spinbutton").first  # the "Sentences" slider's number box: 3 fit the chat
            sentences.fill("3")
            sentences.press("Enter")
            chat = page.ask("What did Putin say about hackers?")
            assert "Hackers can be anywhere" in chat
            p.locator("#article-view mark").first.wait_for(state="visible")
            # show the reply from its top (the chat scrolls itself to the bottom), then shoot at once
            p.evaluate("() => window.scrollTo(0, 0)")
            p.locator("#chat .bubble-wrap").hover()
            p.mouse.wheel(0, -3000)
            p.evaluate("() => document.querySelectorAll('#chat, #chat *').forEach(e => { e.scrollTop = 0; })")
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.page.screenshot(path=str(SCREENSHOT))
        finally:
            page.close()
    assert SCREENSHOT.stat().st_size > 10_000
