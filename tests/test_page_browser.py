"""Issue 21: the page's defects found by a user test in headless Chromium, each one tested at 1400×900 and 390×844
(Playwright, the app in its own process, as tests/test_browser.py; the pure functions under them: tests/test_page.py).

The index: the bundled article and three invented ones (a harbour, a council with thirteen speakers, a school).
Read-only tests share one app; the tests that change the index each get their own copy and app. Covered here:
errors beside their controls and no traceback in the server's log (2, 7), a paste's own id (3), the progress line
and the outcome under the button (4), the Texts table (5), the chat after a reload (6), a long and an empty question
(8, 9), the article view after Remove (10), "Also cited" by title (11), the example questions (12), the options above
the fold (13), the files and the paste cleared after an add (15). A tap on [n] on a phone (1) and the focused question
box after "Ask with this speaker" (14) are in tests/test_browser.py.
"""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from hostile_cases import running_app
from test_browser import DESKTOP, SIZES, Page, browser, documents_shown, inside_window  # noqa: F401 - browser: a fixture

HARBOUR = """date 2024-03-01

Harbour bridge to reopen

Mayor Ann Lee said the harbour bridge would reopen in May after the repairs.

\u201cThe cables are new and the deck is safe,\u201d said engineer Tom Berg.

The harbour master, Rosa Vidal, said the ferries would keep running until the bridge reopens.
"""
MEMBERS = ["Ana Ruiz", "Ben Okafor", "Carla Diaz", "Dan Moreau", "Eva Lindqvist", "Farid Haddad", "Grace Kim",
           "Hugo Brandt", "Irene Costa", "Jonas Weber", "Karin Holm", "Luis Navarro"]
TOPICS = ["the budget for the parks was too small", "the library needed a new roof before winter",
          "the buses should run later at night", "the market square needed more benches",
          "the swimming pool would close for a month", "the new cycle lanes were a success",
          "the town hall clock had stopped again", "the street lights used too much power",
          "the school buses were often late", "the river path had to be repaired",
          "the theatre wanted a bigger grant", "the parking fees were too high"]
COUNCIL = "date 2024-03-02\n\nCouncil votes on the budget\n\n" \
          "Mayor Ann Lee said the bridge budget was approved by the council on Tuesday.\n\n" + \
          "\n\n".join(f"Council member {name} said {topic}." for name, topic in zip(MEMBERS, TOPICS)) + "\n"
SCHOOL = """date 2024-03-03

New school opens

Principal Maria Santos said the new school would open its doors in September.

\u201cWe have room for four hundred pupils,\u201d she said.

Teacher Omar Farouk said the science rooms were the best in the region.
"""
NO_TOAST = ("() => { window.__toasts = []; new MutationObserver(() => document.querySelectorAll("
            "'[data-testid=toast-body]').forEach(t => window.__toasts.push(t.innerText))).observe(document.body,"
            " {childList: true, subtree: true}); }")
ERROR_PILLS = ("() => [...document.querySelectorAll('[data-testid=status-tracker] .error, .error')]"
               ".filter(e => e.getBoundingClientRect().height > 0 && getComputedStyle(e).visibility !== 'hidden')"
               ".map(e => e.innerText)")


@pytest.fixture(scope="module")
def four_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant import Assistant
    from assistant.text.documents import bundled_article

    folder = tmp_path_factory.mktemp("four")
    for name, text in (("harbour.txt", HARBOUR), ("council.txt", COUNCIL), ("school.txt", SCHOOL)):
        (folder / name).write_text(text, encoding="utf-8")
    Assistant.build([bundled_article(), folder / "harbour.txt", folder / "council.txt", folder / "school.txt"],
                    folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def four_app(four_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """One app on a copy of the four-document index, for the tests that only read."""
    index = tmp_path_factory.mktemp("four-read") / "index"
    shutil.copytree(four_index, index)
    with running_app(index) as url:
        yield url


@pytest.fixture
def own_app(four_index: Path, tmp_path: Path):
    """An app of its own on a fresh copy (for a test that changes the index), with its log: (url, index, log)."""
    index = tmp_path / "index"
    shutil.copytree(four_index, index)
    log = tmp_path / "app.log"
    with running_app(index, log_path=log) as url:
        yield url, index, log


pytestmark = pytest.mark.parametrize("viewport", SIZES)  # every test at 1400×900 and 390×844


@contextmanager
def opened(browser, url: str, viewport: dict):
    """The app's page at ``viewport``, closed afterwards (what a test checks after it runs after the close)."""
    page = Page(browser, url, viewport)
    try:
        yield page
    finally:
        page.close()


def choose_to_remove(p, doc_id: str) -> None:
    """Pick ``doc_id`` in the Remove box (the Texts tab is open)."""
    p.locator("#remove-choice input").click()
    p.get_by_role("option", name=doc_id).click()
    p.keyboard.press("Escape")


def wait_for_documents(p, count: int) -> None:
    """Until the index line counts ``count`` documents."""
    p.wait_for_function("n => document.querySelector('#index-status').innerText.startsWith(n + ' documents')",
                        arg=str(count))


def line_of(p, selector: str) -> str:
    """The outcome line under a button, once there is one (not the progress)."""
    p.locator(f"{selector} .status").wait_for(state="visible")
    return p.locator(f"{selector} .status").inner_text()


def click_and_wait_for_line(p, button: str, selector: str) -> str:
    """Click a change's button and wait for its new outcome line (the click clears the old one, then the change
    shows its progress or its outcome: any of these after the click counts, the outcome is returned)."""
    p.evaluate("s => { const line = document.querySelector(s); const shown = () => [...line.querySelectorAll("
               "'.status, .change-progress')].map(e => e.innerText).join('|'); const before = shown();"
               " window.__moved = false; new MutationObserver((_, observer) => { const now = shown();"
               " if (now !== before || !now) { window.__moved = true; observer.disconnect(); } }).observe(line,"
               " {subtree: true, childList: true, characterData: true}); }", selector)
    p.locator(button).click()
    p.wait_for_function("s => window.__moved && document.querySelector(s + ' .status')", arg=selector)
    p.wait_for_function("s => !document.querySelector(s + ' .change-progress')", arg=selector)
    return line_of(p, selector)


# ----------------------------------------------------------------------------------------------------------------
# 2, 7, 15: errors in the Texts tab stay beside their control, no toast, no error pill, no traceback in the log
# ----------------------------------------------------------------------------------------------------------------

def test_texts_tab_errors_stay_beside_their_controls_and_leave_no_traceback(browser, own_app, tmp_path, viewport):
    url, index, log = own_app
    pdf, ferry = tmp_path / "report.pdf", tmp_path / "ferry.txt"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    ferry.write_text("Ferry news\n\nThe ferry captain said the boat would sail at noon.", encoding="utf-8")
    with opened(browser, url, viewport) as page:
        p = page.page
        p.evaluate(NO_TOAST)
        before = documents_shown(p)
        p.get_by_role("tab", name="Texts").click()
        cancel = p.locator("#cancel-button")
        # Add with nothing: its line under the button; Cancel does not show for a change that never ran
        assert click_and_wait_for_line(p, "#rebuild-button", "#build-status") == \
            "Not added: upload a file or paste some text first."
        assert not cancel.is_visible()
        # a .pdf is refused by name; the upload box stays a box (no error pill on it) and takes the next file
        p.locator("#upload input[type=file]").set_input_files(str(pdf))
        p.wait_for_function("() => /report\\.pdf/.test(document.querySelector('#build-status').innerText)")
        assert line_of(p, "#build-status").startswith("Not taken: report.pdf is not a supported file; upload .txt")
        assert "report.pdf" not in p.locator("#upload").inner_text()
        assert p.evaluate(ERROR_PILLS) == []
        p.locator("#upload input[type=file]").set_input_files(str(ferry))
        p.wait_for_function("() => document.querySelector('#upload').innerText.includes('ferry.txt')")
        # the add works; its outcome starts with a capital, right under the button; the upload box is emptied
        added = click_and_wait_for_line(p, "#rebuild-button", "#build-status")
        assert re.match(r"The index: added 1; now \d+ document", added), added
        row, line = page.rect("#add-row"), page.rect("#build-status .status")
        assert 0 <= line["top"] - row["bottom"] < 60, (row, line)
        p.wait_for_function("() => !document.querySelector('#upload').innerText.includes('ferry.txt')")
        assert not cancel.is_visible()
        wait_for_documents(p, before + 1)
        # Remove with nothing chosen: its own line, beside Remove, in the window (and the page does not jump away)
        p.locator("#remove-button").scroll_into_view_if_needed()
        scrolled = p.evaluate("window.scrollY")
        assert click_and_wait_for_line(p, "#remove-button", "#remove-status") == \
            "Not removed: choose the documents to remove first."
        p.wait_for_timeout(300)  # the page's own placing of the line (a mutation observer)
        assert inside_window(page, "#remove-status .status") and inside_window(page, "#remove-button")
        if viewport is DESKTOP:
            assert p.evaluate("window.scrollY") == scrolled
        assert p.locator("#build-status").inner_text().strip() == ""  # the add's old outcome is gone too
        choose_to_remove(p, "ferry")
        removed = click_and_wait_for_line(p, "#remove-button", "#remove-status")
        assert re.match(r"The index: removed 1; now \d+ document", removed), removed
        # and again with nothing chosen: the new line replaces "removed 1"
        again = click_and_wait_for_line(p, "#remove-button", "#remove-status")
        assert again == "Not removed: choose the documents to remove first." and "removed 1" not in \
            p.locator("#remove-status").inner_text()
        assert p.evaluate("window.__toasts") == []  # nothing went by in a toast
        assert p.evaluate(ERROR_PILLS) == []
        # a user's mistakes in the Ask tab too: a speaker that is not in the index, an empty question
        p.get_by_role("tab", name="Ask").click()
        p.locator("#speaker-filter input").fill("Nobody Atall")
        p.keyboard.press("Enter")
        p.locator("#question textarea").fill("What about the bridge?")
        p.locator("#ask-button").click()
        p.locator("#question-status").wait_for(state="visible")
        assert p.locator("#question-status").inner_text().startswith("No speaker in the index matches")
    # the server's log: no traceback for any of these
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text and "Error" not in text, text[-3000:]


# ----------------------------------------------------------------------------------------------------------------
# 3, 4, 15: a paste gets an id of its own, never replaces a document; the progress line; the boxes cleared
# ----------------------------------------------------------------------------------------------------------------

def test_a_paste_gets_an_id_of_its_own_and_never_replaces_a_document(browser, own_app, viewport):
    url, index, _ = own_app
    with opened(browser, url, viewport) as page:
        p = page.page
        before = documents_shown(p)
        p.get_by_role("tab", name="Texts").click()
        p.evaluate("() => { window.__progress = []; const line = document.querySelector('#build-status');"
                   " new MutationObserver(() => { const e = line.querySelector('.change-progress');"
                   " if (e) window.__progress.push(e.innerText); }).observe(line,"
                   " {subtree: true, childList: true, characterData: true}); }")
        pasted, name = p.get_by_label("Or paste a text"), p.get_by_label("Name for the pasted text")
        first = "The ferry captain said the boat would sail at noon. The crew said the sea was calm."
        pasted.fill(first)
        line = click_and_wait_for_line(p, "#rebuild-button", "#build-status")
        assert line.startswith("The index: added 1") and \
            line.endswith("The pasted text is indexed as the-ferry-captain-said-the-boat."), line
        assert pasted.input_value() == "" and name.input_value() == ""  # 15: cleared after a success
        progress = p.evaluate("window.__progress")
        assert progress, "no progress line was shown"
        for shown in progress:  # 4: one wording, the stage in plain words, one percentage, no model ids
            assert re.fullmatch(r"[A-Z][^%]* · \d+%", shown.strip()), progress
            assert not re.search(r"minilm|document\(s\)|- \d", shown, re.I), progress
        # the same first words again: a new id, said so
        pasted.fill(first.replace("noon", "one o'clock"))
        line = click_and_wait_for_line(p, "#rebuild-button", "#build-status")
        assert "indexed as the-ferry-captain-said-the-boat-2 (the-ferry-captain-said-the-boat is another text's id)" \
            in line, line
        # the first text again: refused, it is already there; a name another text has: refused, nothing replaced
        pasted.fill(first)
        assert click_and_wait_for_line(p, "#rebuild-button", "#build-status") == \
            "Not added: the pasted text is already in the index, as the-ferry-captain-said-the-boat."
        assert pasted.input_value() == first  # kept, to be changed
        pasted.fill("The mayor said the harbour would be closed for a week.")
        name.fill("harbour")
        assert click_and_wait_for_line(p, "#rebuild-button", "#build-status").startswith(
            "Not added: a text named harbour is already in the index (\u201cHarbour bridge to reopen\u201d); "
            "give the pasted text another name, or remove harbour first.")
        wait_for_documents(p, before + 2)
        table = p.locator("#documents").inner_text()
        assert "the-ferry-captain-said-the-boat-2" in table and "Harbour bridge to reopen" in table
    from assistant import Assistant

    assistant = Assistant.load(index)
    assert "harbour bridge would reopen" in assistant.document("harbour").text  # never replaced
    assert assistant.document("the-ferry-captain-said-the-boat").text.startswith(first)


# ----------------------------------------------------------------------------------------------------------------
# 10: after Remove the article view keeps its document, or leaves a removed one
# ----------------------------------------------------------------------------------------------------------------

def test_after_a_remove_the_article_view_keeps_its_document_or_leaves_a_removed_one(browser, own_app, viewport):
    url, _, _ = own_app
    with opened(browser, url, viewport) as page:
        p = page.page
        page.ask("What did Maria Santos say about the new school?")
        title = p.locator("#article-view .doc-view h3")
        assert title.inner_text() == "New school opens"

        def remove(doc_id: str) -> None:
            p.get_by_role("tab", name="Texts").click()
            choose_to_remove(p, doc_id)
            assert "removed 1" in click_and_wait_for_line(p, "#remove-button", "#remove-status")
            p.wait_for_function("id => !document.querySelector('#documents').innerText.includes(id)", arg=doc_id)
            p.get_by_role("tab", name="Ask").click()

        remove("harbour")  # another document: the view stays where it was, with its highlights
        p.wait_for_timeout(1000)  # let the page's refresh after the change land
        assert title.inner_text() == "New school opens"
        assert p.locator("#article-view mark").count() > 0
        remove("school")  # the document shown: it leaves the view, for one that is in the index
        p.wait_for_function("() => document.querySelector('#article-view h3')?.innerText !== 'New school opens'")
        assert title.inner_text() in ("Putin nbc", "Council votes on the budget"), title.inner_text()


# ----------------------------------------------------------------------------------------------------------------
# Read-only: 5 the Texts table, 6 the chat after a reload, 8/9 long and empty questions, 11 "Also cited",
# 12 the example questions, 13 the options above the fold
# ----------------------------------------------------------------------------------------------------------------

def test_the_texts_table_fits_its_columns(browser, four_app, viewport):
    with opened(browser, four_app, viewport) as page:
        p = page.page
        p.get_by_role("tab", name="Texts").click()
        p.locator("#documents table").wait_for(state="visible")
        table = page.rect("#documents .doc-table")
        assert table["right"] <= viewport["width"], table
        assert p.evaluate("() => { const t = document.querySelector('#documents .doc-table');"
                          " return t.scrollWidth <= t.clientWidth + 1; }"), "the table is wider than its box"
        cells = p.evaluate("() => [...document.querySelectorAll('#documents td, #documents th')].filter("
                           "c => c.getBoundingClientRect().height > 0).map(c => { const r = c.getBoundingClientRect();"
                           " return {text: c.innerText, left: r.left, right: r.right, width: r.width,"
                           " height: r.height, line: parseFloat(getComputedStyle(c).lineHeight)}; })")
        assert all(c["left"] >= table["left"] - 1 and c["right"] <= table["right"] + 1 for c in cells), cells
        council = [c for c in cells if c["text"].startswith(MEMBERS[0]) or "Ann Lee, Ben" in c["text"]]
        assert council and re.search(r"and \d+ more$", council[0]["text"]), council  # a count, not 13 names
        assert council[0]["width"] >= 150, council  # the speakers can be read
        if viewport is DESKTOP:  # one line for each header ("sentences" wrapped to three lines)
            headers = [c for c in cells if c["text"] in ("Title and id", "Date", "Sentences", "Speakers", "Link")]
            assert len(headers) == 5 and all(c["height"] < 2 * c["line"] + 12 for c in headers), headers
        else:  # a card per document, none wider than the phone
            assert all(c["right"] <= viewport["width"] for c in cells)
        # the whole list opens from the count
        p.locator("#documents summary", has_text="more").first.click()
        assert "Luis Navarro" in p.locator("#documents details[open]").inner_text()


def test_the_chat_survives_a_reload(browser, four_app, viewport):
    with opened(browser, four_app, viewport) as page:
        p = page.page
        page.ask("What did Ann Lee say about the bridge?")
        before = p.locator("#chat").inner_text()
        p.reload(wait_until="domcontentloaded")
        p.locator("#question textarea").wait_for(state="visible")
        p.wait_for_function("() => document.querySelectorAll('#chat .message-row.user-row').length === 1")
        assert "What did Ann Lee say about the bridge?" in p.locator("#chat .user-row").first.inner_text()
        p.wait_for_function("t => document.querySelector('#chat').innerText === t", arg=before)
        assert p.locator("#article-view mark").count() > 0  # the article of the last answer, highlighted
        # its citations still work
        p.locator("#chat strong", has_text="[2]").first.click()
        p.wait_for_function("() => document.querySelector('#article-view #focus')?.dataset.rank === '2'")
        # Clear clears what the browser keeps too
        p.locator("#clear-button").click()
        p.wait_for_function("() => document.querySelectorAll('#chat .message-row').length === 0")
        p.reload(wait_until="domcontentloaded")
        p.locator("#chat button.example").first.wait_for(state="visible")
        assert p.locator("#chat .message-row").count() == 0


def test_a_long_question_is_refused_not_cut_and_the_empty_one_names_the_texts(browser, four_app, viewport):
    with opened(browser, four_app, viewport) as page:
        p = page.page
        box, status = p.locator("#question textarea"), p.locator("#question-status")
        long = ("What did the mayor say about the harbour bridge and its repairs? " * 90)[:5_280]
        box.fill(long)
        assert len(box.input_value()) == 5_280  # nothing cut silently
        p.locator("#ask-button").click()
        status.wait_for(state="visible")
        assert status.inner_text() == "The question is 5,280 characters long; the limit is 2,000."
        p.wait_for_function("() => { const r = document.querySelector('#question-status').getBoundingClientRect();"
                            " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1; }")
        assert box.input_value() == long  # kept, to be shortened
        assert p.locator("#chat .message-row").count() == 0
        box.fill("   ")
        p.locator("#ask-button").click()
        p.wait_for_function("() => /empty/.test(document.querySelector('#question-status').innerText)")
        assert status.inner_text() == "The question is empty; type a question about the 4 texts."
        page.ask("What did Maria Santos say about the new school?")
        status.wait_for(state="hidden")  # the next question clears it


def test_also_cited_names_the_other_articles_by_title(browser, four_app, viewport):
    with opened(browser, four_app, viewport) as page:
        p = page.page
        page.ask("What did Ann Lee say about the bridge?")
        note = p.locator("#article-view em", has_text="Also cited").inner_text()
        shown = p.locator("#article-view h3").inner_text()
        other = ({"Harbour bridge to reopen", "Council votes on the budget"} - {shown}).pop()
        assert f"\u201c{other}\u201d [" in note, note
        assert "council" not in note.replace("Council", "") and "harbour" not in note.replace("Harbour", ""), note


def test_the_example_questions_look_like_buttons_and_ask_when_clicked(browser, four_app, viewport):
    with opened(browser, four_app, viewport) as page:
        p = page.page
        example = p.locator("#chat button.example").first
        example.wait_for(state="visible")
        look = p.evaluate("() => { const s = getComputedStyle(document.querySelector('#chat button.example'));"
                          " return [s.cursor, s.borderTopStyle, parseFloat(s.borderTopWidth)]; }")
        assert look[0] == "pointer" and look[1] == "solid" and look[2] >= 1, look
        text = example.inner_text().strip()
        example.click()
        p.wait_for_function("() => /score \\d/.test(document.querySelector('#chat').innerText)")
        assert text in p.locator("#chat .user-row").first.inner_text()


def test_the_speaker_filter_and_the_sentences_slider_are_above_the_fold_on_a_desktop(browser, four_app, viewport):
    with opened(browser, four_app, viewport) as page:
        for selector in ("#speaker-filter", "#k"):
            if viewport is DESKTOP:
                assert inside_window(page, selector), (selector, page.rect(selector))
            else:  # a phone: right under the Ask row, a short scroll away
                assert 0 <= page.rect(selector)["top"] - page.rect("#ask-row")["bottom"] < 40
