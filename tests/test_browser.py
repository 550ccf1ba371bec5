"""The page in headless Chromium (Playwright drives Debian's chromium; the app runs in its own process).

Issue 5: HTML, script and markdown from articles and questions are shown as text and never run.
Issue 11: at 1400×900 and 390×844, positions measured in the page: the first screen (what this is, three example
questions from the index, the question box and Ask without scrolling, no server paths); the newest question at the
top of the chat; the article scrolling in its own box; one click on [n] or a context box; "not found" and the
speaker filter in the reply; Clear; the Speakers tab; figures current after an add and on every load; the progress.
Issue 21 (the rest in tests/test_page_browser.py): a tap on [n] brings the sentence into the window on a phone too;
after "Ask with this speaker" the question box has the focus; a change's errors and progress are lines under its
button.
Also saves the README screenshots (``docs/screenshot.png``, ``docs/screenshot-phone.png``) when
``ASSISTANT_UPDATE_SCREENSHOT=1``.
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

DOCS = Path(__file__).resolve().parent.parent / "docs"
"""The README screenshots are written there only when ``ASSISTANT_UPDATE_SCREENSHOT=1`` (else to a temporary folder)."""
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
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

    def __init__(self, browser, url: str, viewport: dict | None = None) -> None:
        self.context = browser.new_context(viewport=viewport or DESKTOP)
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
        count = "() => document.querySelectorAll('#chat .message-row.user-row').length"
        before = page.evaluate(count)
        page.locator("#question textarea").fill(question)
        page.locator("#ask-button").click()
        # the reply has arrived when there is one more question in the chat, followed by a reply with a score
        page.wait_for_function(f"([before]) => ({count})() > before", arg=[before])
        page.wait_for_function("() => { const rows = [...document.querySelectorAll('#chat .message-row')];"
                               " return rows.length && /score \\d/.test(rows[rows.length - 1].innerText); }")
        page.locator("#article-view mark").first.wait_for(state="visible")
        page.wait_for_timeout(600)  # the page places the answer and the article (timers up to 500 ms)
        return page.locator("#chat").inner_text()

    def rect(self, selector: str) -> dict:
        box = self.page.evaluate(
            "s => { const e = document.querySelector(s); if (!e) return null; const r = e.getBoundingClientRect();"
            " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; }", selector)
        assert box is not None, f"{selector} is not in the page"
        return box

    def last_reply(self) -> str:
        return self.page.evaluate("() => { const rows = [...document.querySelectorAll('#chat .message-row')];"
                                  " return rows[rows.length - 1].innerText; }")

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
            p.get_by_role("tab", name="Texts").click()
            files = p.locator("#upload input[type=file]")
            # first a binary file with a markup name: a clear error, shown as text, and the index unchanged
            files.set_input_files(str(binary))
            p.wait_for_function("n => document.body.innerText.includes(n)", arg="onerror=window.__pwned=6")
            p.locator("#rebuild-button").click()
            line = p.locator("#build-status .status")
            line.wait_for(state="visible")
            message = line.inner_text()
            assert "binary" in message and message.startswith("Not added:"), message
            page.check_nothing_ran("127.0.0.1:9")
            # then the article, through the page's upload (on a fresh page: the file list keeps the binary file)
            p.reload(wait_until="domcontentloaded")
            p.locator("#question textarea").wait_for(state="visible")
            p.get_by_role("tab", name="Texts").click()
            files.set_input_files(str(upload))
            p.wait_for_function("n => document.body.innerText.includes(n)", arg="harbour <img")
            p.locator("#rebuild-button").click()
            p.wait_for_function("document.querySelector('#texts-figures').innerText.includes('2 documents')")
            assert "2 documents" in p.locator("#index-status").inner_text()
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
    from assistant import Assistant

    ids = sorted(d.id for d in Assistant.load(index).documents())
    assert ids == ["harbour-img-src-x-onerror-window.__pwned-5", "hostile"], ids  # safe ids from the upload names




# ----------------------------------------------------------------------------------------------------------------
# Issue 11: the page at desktop and phone sizes, on the bundled article
# ----------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app_url(built_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """One app on a copy of the bundled index (the read-only tests share it)."""
    import shutil

    index = tmp_path_factory.mktemp("page") / "index"
    shutil.copytree(built_index, index)
    with running_app(index) as url:
        yield url, index


@pytest.fixture
def page_at(browser, app_url):
    pages: list[Page] = []

    def open_page(viewport: dict) -> Page:
        pages.append(Page(browser, app_url[0], viewport))
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


def inside_window(page: Page, selector: str) -> bool:
    box = page.rect(selector)
    height = page.page.evaluate("window.innerHeight")
    return box["height"] > 0 and box["top"] >= 0 and box["bottom"] <= height


@pytest.mark.parametrize("viewport", SIZES)
def test_first_screen_says_what_this_is_offers_examples_and_the_question_box(page_at, app_url, viewport):
    page = page_at(viewport)
    p = page.page
    p.locator("#chat .example, #chat button:has-text('?')").first.wait_for(state="visible")
    assert inside_window(page, "#what-this-is")
    assert "cited" in p.locator("#what-this-is").inner_text()
    assert inside_window(page, "#question textarea") and inside_window(page, "#ask-button")
    examples = p.evaluate("[...document.querySelectorAll('#chat button')].map(b => b.innerText.trim())"
                          ".filter(t => t.endsWith('?'))")
    assert len(examples) == 3, examples
    assert any("Putin" in e for e in examples), examples  # made from the index's speakers
    for selector in ("#chat",):
        assert page.rect(selector)["top"] < viewport["height"]
    # no server paths, no model ids; the figures are there
    text = p.locator("body").inner_text()
    assert str(app_url[1]) not in text and "/tmp" not in text and "MiniLM" not in text
    assert re.search(r"1 document · \d+ sentences · \d+ speakers?", p.locator("#index-status").inner_text())
    # an example is one click away from its answer
    p.locator("#chat button", has_text=examples[0]).first.click()
    p.wait_for_function("() => /score \\d/.test(document.querySelector('#chat').innerText)")
    assert examples[0] in p.locator("#chat .user-row").first.inner_text()


@pytest.mark.parametrize("viewport", SIZES)
def test_the_newest_question_and_its_answer_start_at_the_top_of_the_chat(page_at, viewport):
    page = page_at(viewport)
    page.ask("What did Putin say about hackers?")
    page.ask("Who said 'I was one of the guests there'?")
    p = page.page
    chat = page.rect("#chat")
    rows = p.evaluate("[...document.querySelectorAll('#chat .message-row')].map(r => {"
                      " const b = r.getBoundingClientRect(); return {user: r.classList.contains('user-row'),"
                      " top: b.top, text: r.innerText.slice(0, 80)}; })")
    question = [r for r in rows if r["user"]][-1]
    reply = rows[rows.index(question) + 1]
    assert "guests there" in question["text"]
    assert chat["top"] - 2 <= question["top"] <= chat["top"] + 40, (chat, question)
    assert reply["top"] < chat["bottom"] - 60, (chat, reply)  # the start of the answer is visible under it
    assert reply["text"].startswith("Vladimir Putin said it"), reply
    assert 0 <= chat["top"] < viewport["height"] / 2, chat  # and the chat is in the window


@pytest.mark.parametrize("viewport", SIZES)
def test_one_click_on_a_citation_or_a_context_box_highlights_it_in_its_own_box(page_at, viewport):
    page = page_at(viewport)
    page.ask("What did Putin say about hackers?")
    p = page.page
    box = "#article-view .doc-view"
    assert p.evaluate(f"getComputedStyle(document.querySelector('{box}')).overflowY") == "auto"
    assert p.evaluate(f"document.querySelector('{box}').scrollHeight > document.querySelector('{box}').clientHeight")

    def focused_after(click) -> str:
        p.evaluate("window.scrollTo(0, 0)")
        p.locator("#chat").scroll_into_view_if_needed()  # where the reader is when they tap a citation
        scroll_before = p.evaluate("window.scrollY")
        click()
        p.wait_for_function("r => document.querySelector('#article-view #focus')?.dataset.rank === r", arg=rank)
        p.wait_for_timeout(600)
        view, mark = page.rect(box), page.rect(f"{box} #focus")
        assert view["top"] - 1 <= mark["top"] and mark["top"] < view["bottom"], (view, mark)  # inside the box
        # issue 21: and in the window, where the reader can see it (on a phone the box is below the chat)
        assert 0 <= mark["top"] and mark["bottom"] <= viewport["height"], (mark, p.evaluate("window.scrollY"))
        if viewport is DESKTOP:  # the box is beside the chat: the page stays, only the box scrolls
            assert p.evaluate("window.scrollY") == scroll_before, "the page scrolled, not the article box"
        return p.locator(f"{box} #focus").inner_text()

    rank = "3"
    reply_line = p.locator("#chat strong", has_text="[3]").first
    text = focused_after(lambda: reply_line.click())
    assert text.startswith("[3]")
    third = p.evaluate("() => { const s = [...document.querySelectorAll('#chat strong')].find(e => e.innerText === '[3]');"
                       " return s.parentElement.innerText; }")
    assert text[4:40] in third
    rank = "2"
    context_box = p.locator("#chat .thought-group .title", has_text="[2] in context").first
    assert focused_after(lambda: context_box.click()).startswith("[2]")


@pytest.mark.parametrize("viewport", SIZES)
def test_not_found_and_the_speaker_filter_show_in_the_reply_and_clear_clears_the_article(page_at, viewport):
    page = page_at(viewport)
    page.ask("What is the capital of France?")
    reply = page.last_reply()
    assert reply.startswith("Nothing in the texts answers this question."), reply[:200]
    assert "(not an answer)" in reply
    page.ask("What did Trump say?")
    assert page.last_reply().startswith("Trump is not quoted in the texts"), page.last_reply()[:200]
    p = page.page
    dropdown = p.locator("#speaker-filter input")
    dropdown.click()
    p.get_by_role("option", name="Vladimir Putin").click()
    page.ask("Anything about the election?")
    assert page.last_reply().startswith("Speaker filter “Vladimir Putin”: only sentences of Vladimir Putin."), \
        page.last_reply()[:200]
    assert p.locator("#article-view mark").count() > 0
    p.locator("#clear-button").click()
    p.wait_for_function("() => document.querySelectorAll('#chat .message-row').length === 0")
    p.wait_for_function("() => document.querySelectorAll('#article-view mark').length === 0")
    assert p.locator("#article-view .doc-view p").count() > 3  # the article is still shown, unmarked


@pytest.mark.parametrize("viewport", SIZES)
def test_speakers_tab_search_quotes_and_ask_with_the_speaker(page_at, viewport):
    page = page_at(viewport)
    p = page.page
    p.get_by_role("tab", name="Speakers").click()
    p.locator("#speaker-search textarea, #speaker-search input").first.fill("the russian leader")  # an alias
    p.wait_for_function("() => !document.querySelector('#speaker-table').innerText.includes('intelligence')")
    table = p.locator("#speaker-table")
    assert "Vladimir Putin" in table.inner_text()
    assert p.evaluate("() => { const t = document.querySelector('#speaker-table');"
                      " return [...t.querySelectorAll('[role=columnheader], th')].filter(h => h.getBoundingClientRect().right"
                      " <= window.innerWidth + 1 && h.getBoundingClientRect().width > 0).length; }") >= 3
    p.locator("#speaker-table [data-testid=cell-0-0]").click()
    p.locator("#speaker-quotes h3", has_text="Vladimir Putin").wait_for()
    quotes = p.locator("#speaker-quotes li")
    assert quotes.count() >= 10
    assert re.search(r"¶\d+, sentence \d+", quotes.first.inner_text())
    assert p.locator("#speaker-quotes h4").count() == 1  # grouped by document
    p.locator("#ask-with-speaker").click()
    p.wait_for_function("() => document.querySelector('#speaker-filter input')?.value === 'Vladimir Putin'")
    # issue 21: the question box has the focus, ready for the question about this speaker
    p.wait_for_function("() => document.activeElement === document.querySelector('#question textarea')")
    assert inside_window(page, "#question textarea")
    page.ask("Anything about the election?")
    assert "only sentences of Vladimir Putin" in page.last_reply()


@pytest.fixture(scope="module")
def changing_app(built_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """An app on its own copy of the bundled index, for the tests that add to it."""
    import shutil

    index = tmp_path_factory.mktemp("changing") / "index"
    shutil.copytree(built_index, index)
    with running_app(index) as url:
        yield url, index


def documents_shown(p) -> int:
    """The count in the header, read in the same moment it is found (the header is refreshed on a timer)."""
    found = p.wait_for_function(
        "() => { const m = /^(\\d+) documents? ·/.exec(document.querySelector('#index-status').innerText);"
        " return m ? m[1] : false; }"
    )
    return int(found.json_value())


@pytest.mark.parametrize("viewport", SIZES)
def test_figures_are_current_after_an_add_and_on_every_load_and_progress_is_shown(browser, changing_app, viewport):
    url, index = changing_app
    name = f"harbour-{viewport['width']}"
    page = Page(browser, url, viewport)
    try:
        p = page.page
        from assistant import Assistant

        before = Assistant.load(index).info()["documents"]  # what is on disk: an earlier size of this test added one
        # the page's load refreshes the figures it was built with (the header may show those for a moment)
        p.wait_for_function("n => document.querySelector('#index-status').innerText.startsWith(n + ' document')",
                            arg=str(before))
        p.get_by_role("tab", name="Texts").click()
        assert p.locator("#texts-figures").inner_text().startswith(f"{before} document")
        p.evaluate("() => { window.__progress = []; const line = document.querySelector('#build-status');"
                   " new MutationObserver(() => { const e = line.querySelector('.change-progress, .status');"
                   " if (e) window.__progress.push(e.innerText); }).observe(line,"
                   " {subtree: true, childList: true, characterData: true}); }")
        # an error is a line under the button that covers neither the figures nor the button
        p.locator("#rebuild-button").click()
        line = p.locator("#build-status .status")
        line.wait_for(state="visible")
        assert "paste some text" in line.inner_text()
        for selector in ("#texts-figures", "#rebuild-button"):
            p.locator(selector).scroll_into_view_if_needed()
            assert p.evaluate("s => { const e = document.querySelector(s); const r = e.getBoundingClientRect();"
                              " return e.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)); }",
                              selector), f"{selector} is covered after an error"
        p.get_by_label("Or paste a text").fill("Harbour news\n\nThe harbour master said the pier would reopen "
                                              "on Monday.\n\n“We are ready,” she said.")
        p.get_by_label("Name for the pasted text").fill(name)
        p.locator("#rebuild-button").click()
        p.wait_for_function("n => document.querySelector('#index-status').innerText.startsWith(n + ' documents')",
                            arg=str(before + 1))
        assert p.locator("#texts-figures").inner_text().startswith(f"{before + 1} documents")
        assert name in p.locator("#documents").inner_text()
        status = p.locator("#build-status .status").inner_text()
        assert str(index) not in status and "MiniLM" not in status, status
        seen = p.evaluate("window.__progress")
        assert any(re.fullmatch(r"[A-Z][^%]* · \d+%", s.strip()) for s in seen), seen[-10:]  # the stage in words
        # a new page load shows the same figures
        p.reload(wait_until="domcontentloaded")
        p.locator("#question textarea").wait_for(state="visible")
        p.wait_for_function("n => document.querySelector('#index-status').innerText.startsWith(n + ' documents')",
                            arg=str(before + 1))
        p.get_by_role("tab", name="Texts").click()
        assert p.locator("#texts-figures").inner_text().startswith(f"{before + 1} documents")
    finally:
        page.close()


@pytest.mark.parametrize("viewport, name", [(DESKTOP, "screenshot.png"), (PHONE, "screenshot-phone.png")],
                         ids=["desktop", "phone"])
def test_screenshot_of_an_answered_chat(page_at, viewport, name, tmp_path):
    import os

    target = (DOCS if os.environ.get("ASSISTANT_UPDATE_SCREENSHOT") == "1" else tmp_path) / name
    page = page_at(viewport)
    chat = page.ask("What did Putin say about hackers?")
    assert "Hackers can be anywhere" in chat
    target.parent.mkdir(exist_ok=True)
    page.page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


def test_a_long_add_can_be_cancelled_and_the_next_add_works(browser, built_index: Path, tmp_path: Path):
    """Issue 12: Cancel shows only while a change runs; it kills the build worker, the page says the change was
    cancelled, the index is byte-for-byte as it was, and the next add (a fresh worker) works."""
    import shutil

    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    manifest = (index / "manifest.json").read_bytes()
    long_text = "\n\n".join(f"\u201cWe will rebuild bridge number {i} before the winter,\u201d Mayor Jane Doe said "
                            f"on day {i}. Engineer Sam Okafor said span {i} was rusting." for i in range(1_500))
    with running_app(index) as url:
        page = Page(browser, url)
        try:
            p = page.page
            before = documents_shown(p)
            p.get_by_role("tab", name="Texts").click()
            cancel = p.locator("#cancel-button")
            assert not cancel.is_visible()
            p.get_by_label("Or paste a text").fill(long_text)
            p.get_by_label("Name for the pasted text").fill("bridges")
            p.locator("#rebuild-button").click()
            cancel.wait_for(state="visible")
            p.wait_for_function("() => /who said|for search/.test(document.querySelector('#build-status').innerText)")
            cancel.click()
            p.wait_for_function("() => document.querySelector('#build-status').innerText.includes('Cancelled')")
            assert "the index is unchanged" in p.locator("#build-status").inner_text()
            cancel.wait_for(state="hidden")
            assert (index / "manifest.json").read_bytes() == manifest
            assert documents_shown(p) == before
            # the next add works
            p.get_by_label("Or paste a text").fill("The harbour master said the pier would reopen on Monday.")
            p.get_by_label("Name for the pasted text").fill("harbour")
            p.locator("#rebuild-button").click()
            p.wait_for_function("n => document.querySelector('#index-status').innerText.startsWith(n + ' documents')",
                                arg=str(before + 1))
            cancel.wait_for(state="hidden")
            assert "harbour" in p.locator("#documents").inner_text()
        finally:
            page.close()
