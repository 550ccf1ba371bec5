"""The Gradio web UI: a chat with cited, speaker-attributed sentences, the article view, the texts and the speakers.

The page holds no logic of its own: every action calls :class:`assistant.api.Assistant`, and what it shows is made
by the pure functions below from the API's objects (Answer, Passage, DocumentInfo, SpeakerEntry). Changes of the
index (add, rebuild, remove) run in the build worker process (:mod:`assistant.app.build_worker`), so that questions are
never queued behind spaCy and torch; the page relays its progress, can cancel it, and reopens the index after it.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import build_worker
from .quote_view import CSS as QUOTE_CHECK_CSS, quote_check_html
from .. import settings
from ..api import citation, escape_markdown, example_questions, parse_header, pasted_document, progress_words
from ..api import SOURCE_SUFFIXES, html_link, read_sources, speaker_label
from .build_worker import BuildWorker, ChangeCancelled, Job
from ..errors import AssistantError, printable
from ..limits import check_build, estimate_sentences, utf8_size
from ..schema import Answer, Document, DocumentInfo, Passage

settings.go_offline()

import gradio as gr  # noqa: E402 - after the offline environment is set

ALL_SPEAKERS = "All speakers"
MAX_UPLOAD_BYTES = 5_000_000
MAX_UPLOAD_FILES = 500
UPLOAD_SWEEP_SECONDS = 600
"""Uploads not handled (a page closed before its change, a refused add) are deleted after this long, checked as
often."""
POLL_SECONDS = 0.25
"""How often the page's change handler looks at the change's progress (and sends it to the page when it moved)."""
MAX_SAVED_ANSWERS = 20
"""The chat kept in the browser's storage, so that it survives a reload, holds the newest this many answers."""
CHAT_KEY = "article-assistant-chat"
"""The chat's key in the browser's storage (one per server address: the storage is per origin)."""
WHAT_THIS_IS = ("Ask about the news articles in the index: every answer is the articles' own sentences, "
                "each cited, with who said it.")
CSS = """
#header { align-items: baseline; gap: 0.5em 1.5em; flex-wrap: wrap; }
#header h1 { margin: 0; font-size: 1.5em; }
#what-this-is p, #index-status p { margin: 0; }
#index-status { color: var(--body-text-color-subdued); }
#chat { height: clamp(260px, calc(100vh - 410px), 660px) !important; }
#chat .bubble-wrap { scroll-behavior: auto; }
#chat .top-panel { display: none; }
#chat .message-row.bot-row { max-width: 100% !important; }
#chat strong { cursor: pointer; }
#chat .thought-group .title { cursor: pointer; }
#chat button.example { cursor: pointer; border: 1px solid var(--color-accent); border-radius: 8px;
                       background: var(--background-fill-primary); color: var(--color-accent); }
#chat button.example:hover, #chat button.example:focus-visible { background: var(--color-accent-soft);
                                                                 box-shadow: 0 1px 3px rgba(0, 0, 0, 0.15); }
#question-status { color: #b91c1c; }
#question-status p { margin: 0; }
.doc-view { height: clamp(260px, calc(100vh - 190px), 800px); overflow-y: auto; position: relative;
            line-height: 1.6; padding: 0.5em 1em; border: 1px solid var(--border-color-primary); border-radius: 8px;
            overscroll-behavior: contain; }
.doc-view mark { background: #fde68a; padding: 0 2px; border-radius: 3px; }
.doc-view mark sup { font-weight: bold; color: #92400e; }
.doc-view mark.focus { background: #fbbf24; outline: 2px solid #b45309; }
.doc-view p { margin: 0 0 0.8em 0; }
.doc-view h3 { margin-top: 0.2em; }
.offscreen { position: absolute !important; left: -10000px !important; width: 1px !important; height: 1px !important;
             overflow: hidden !important; }
.doc-table { max-height: 60vh; overflow-y: auto; border: 1px solid var(--border-color-primary); border-radius: 8px; }
#documents .html-container { padding: 0; }
.doc-table table { width: 100%; table-layout: fixed; border-collapse: collapse; font-size: 0.92em; margin: 0 !important;
                   border: none !important; padding: 0 !important; }
.doc-table th, .doc-table td { text-align: left; vertical-align: top; padding: 0.35em 0.6em; border: none !important;
                               border-bottom: 1px solid var(--border-color-primary) !important; overflow-wrap: anywhere; }
.doc-table th { position: sticky; top: 0; background: var(--background-fill-secondary); white-space: nowrap; }
.doc-table .num { text-align: right; }
.doc-table .doc-id { color: var(--body-text-color-subdued); }
.doc-table summary { cursor: pointer; }
.doc-table col.c-title { width: 32%; } .doc-table col.c-date { width: 10%; }
.doc-table col.c-sentences { width: 9em; } .doc-table col.c-speakers { width: 30%; } .doc-table col.c-link { width: 18%; }
.status { margin: 0.2em 0; }
.status.problem { color: #b91c1c; }
.status.cancelled { color: #92400e; }
.change-progress { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 0.8em; margin: 0.2em 0; }
.change-progress progress { flex: 1 1 200px; height: 14px; accent-color: #f59e0b; }
.change-progress .stage { font-size: 0.95em; }
#speaker-quotes .quotes { max-height: 70vh; overflow-y: auto; }
#speaker-quotes li { margin-bottom: 0.5em; }
#speaker-quotes small { color: var(--body-text-color-subdued); }
.doc-url, #chat a[href^="http"] { overflow-wrap: anywhere; word-break: break-all; }
@media (max-width: 640px) {
  #chat { height: clamp(240px, calc(100vh - 360px), 560px) !important; }
  .doc-view { height: 60vh; }
  #header h1 { font-size: 1.25em; }
  #header { flex-direction: column; gap: 0.1em; }
  .doc-table thead { display: none; }
  .doc-table table, .doc-table tbody, .doc-table tr, .doc-table td { display: block; width: auto; }
  .doc-table tr { border: none !important; border-bottom: 1px solid var(--border-color-primary) !important;
                  padding: 0.3em 0; }
  .doc-table td { border: none !important; padding: 0.1em 0.6em; text-align: left !important; }
  .doc-table td:empty { display: none; }
  .doc-table td:not(.doc-title)::before { content: attr(data-label) ": "; color: var(--body-text-color-subdued); }
  .doc-table td.doc-title { font-weight: 600; }
}
"""

# One click on "[n]" in a reply, or on a context box's title, asks the server for that sentence's article view:
# the page writes "<answer number>:<rank>" into a hidden box and presses a hidden button.
HEAD = """
<script>
(() => {
  const request = (answer, rank) => {
    const box = document.querySelector('#cite-request textarea, #cite-request input');
    const button = document.querySelector('#cite-button');
    if (!box || !button) return;
    box.value = `${answer}:${rank}`;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    setTimeout(() => button.click(), 0);
  };
  // a link to an original opens in a new tab that cannot reach back to this page (only http/https are links)
  const external = (root) => root.querySelectorAll && root.querySelectorAll('#chat a[href^="http"]').forEach((a) => {
    a.setAttribute('target', '_blank'); a.setAttribute('rel', 'noopener noreferrer');
  });
  // a change's line under its button (its progress, then its outcome) is brought into the window when it appears
  const kinds = new Map();
  const keepInView = () => ['#build-status', '#remove-status'].forEach((selector) => {
    const line = document.querySelector(selector);
    if (!line) return;
    const kind = line.querySelector('.change-progress') ? 'progress' : line.querySelector('.status')?.innerText || '';
    if (kind === (kinds.get(selector) || '')) return;
    kinds.set(selector, kind);
    const box = line.getBoundingClientRect();
    if (kind && box.height > 0 && (box.bottom > window.innerHeight || box.top < 0)) line.scrollIntoView({block: 'nearest'});
  });
  new MutationObserver(() => { external(document); keepInView(); }).observe(
    document.documentElement, {childList: true, subtree: true, characterData: true});
  document.addEventListener('click', (event) => {
    const chat = document.querySelector('#chat');
    if (!chat || !chat.contains(event.target)) return;
    let rank = null;
    const strong = event.target.closest('strong');
    if (strong && /^\\[\\d+\\]$/.test(strong.textContent.trim())) rank = parseInt(strong.textContent.trim().slice(1), 10);
    if (rank === null) {
      const group = event.target.closest('.thought-group, .thought');
      const match = group && /\\[(\\d+)\\] in context/.exec(group.textContent);
      if (match) rank = parseInt(match[1], 10);
    }
    if (rank === null) return;
    const users = [...chat.querySelectorAll('.message-row.user-row')];
    const answer = users.filter(u => u.compareDocumentPosition(event.target) & Node.DOCUMENT_POSITION_FOLLOWING).length;
    if (answer > 0) request(answer, rank);
  }, true);
})();
</script>
"""

# After a question: its row at the top of the chat, the chat in the window (phones: the article is below it),
# and the highlighted sentence scrolled into view inside the article box only (never the page); after a refused
# question, the line that says why.
SHOW_ANSWER = """
() => {
  const place = () => {
    const problem = document.querySelector('#question-status');
    if (problem && problem.getBoundingClientRect().height > 0 && problem.innerText.trim()) {
      problem.scrollIntoView({block: 'nearest'});  // the question was refused: the line under its box says why
      return;
    }
    const chat = document.querySelector('#chat');
    if (!chat) return;
    const wrap = chat.querySelector('.bubble-wrap');
    const users = chat.querySelectorAll('.message-row.user-row');
    const last = users[users.length - 1];
    if (wrap && last) wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 4;
    const top = chat.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.35) window.scrollBy(0, top - 8);
  };
  place(); requestAnimationFrame(place); setTimeout(place, 150); setTimeout(place, 500);
}
"""
def _placing_focus(then: str = "") -> str:
    """JS that scrolls the article box to its highlighted sentence (then runs ``then``), again as the page settles."""
    return """
() => {
  const place = () => {
    const view = document.querySelector('#article-view .doc-view');
    const mark = view && view.querySelector('#focus');
    if (!mark) return;
    view.scrollTop += mark.getBoundingClientRect().top - view.getBoundingClientRect().top - view.clientHeight / 4;
""" + then + """  };
  place(); requestAnimationFrame(place); setTimeout(place, 150); setTimeout(place, 500);
}
"""


SHOW_FOCUS = _placing_focus()
SHOW_ANSWER_AND_FOCUS = f"() => {{ ({SHOW_ANSWER})(); ({SHOW_FOCUS})(); }}"
# After a click on [n] or a context box: the sentence in its box, and the box in the window. On a wide screen the
# box is beside the chat and the page stays; on a phone the box is below the chat, so the page scrolls to it.
SHOW_CITATION = _placing_focus("""    const seen = mark.getBoundingClientRect();
    if (seen.top < 0 || seen.bottom > window.innerHeight) window.scrollBy(0, view.getBoundingClientRect().top - 8);
""")
FOCUS_QUESTION = """
() => {
  const focus = () => document.querySelector('#question textarea')?.focus();
  focus(); requestAnimationFrame(focus); setTimeout(focus, 150); setTimeout(focus, 500);
}
"""


class AppState:
    """The one Assistant the page serves, or the clear reason why there is none yet (a damaged index, say).

    Questions are answered here, in the server's process; changes of the index are made by ``worker`` (default:
    the process's one :func:`assistant.app.build_worker.shared` worker), one at a time."""

    def __init__(self, index_dir: Path | None, worker: BuildWorker | None = None) -> None:
        self.index_dir = Path(index_dir) if index_dir is not None else settings.default_index_dir()
        self.assistant: Any = None
        self.problem: str | None = None
        self.worker = worker or build_worker.shared()
        self._build_lock = threading.Lock()
        self._examples: tuple[Any, list[str]] | None = None
        self.open()
        if self.assistant is not None:
            self.assistant.warm_up()

    def open(self) -> None:
        from ..api import Assistant

        try:
            self.assistant = Assistant.open(self.index_dir)
            self.problem = None
        except AssistantError as error:
            self.assistant = None
            self.problem = str(error)

    def reopen(self) -> None:
        """After a change: questions see the new snapshot (only its new segments are opened)."""
        if self.assistant is None:
            self.open()
        else:
            self.assistant.info()  # the API re-reads the manifest here

    def require(self) -> Any:
        if self.assistant is None:
            self.open()
        if self.assistant is None:
            raise AssistantError(self.problem or "no index is loaded.")
        return self.assistant

    @property
    def changing(self) -> bool:
        """True while a change of the index runs (the page shows Cancel)."""
        return self._build_lock.locked()

    def change(self, job: Job, progress: Any = None) -> str:
        """Run one change of the index in the worker, one at a time; returns its one-line summary.

        A second change while one runs is refused with a clear message (it does not queue). A cancelled change is a
        :class:`ChangeCancelled`; a failure in the worker an :class:`AssistantError` with its one-line message."""
        if not self._build_lock.acquire(blocking=False):
            raise AssistantError("a change of the index is already running; wait for it to finish or cancel it.")
        try:
            summary = self.worker.run(job, progress)
            self.reopen()
            return self.public(summary)
        finally:
            self._build_lock.release()

    def cancel(self) -> bool:
        """Cancel the running change (the worker is killed; the index stays as it was). False if none runs."""
        return self.changing and self.worker.cancel()

    def public(self, text: str) -> str:
        """A summary for end users: no server paths, no model ids."""
        for private in sorted({str(self.index_dir), str(self.index_dir.resolve()), printable(self.index_dir),
                               printable(self.index_dir.resolve())}, key=len, reverse=True):
            text = text.replace(f"index {private}", "the index").replace(private, "the index")
        if self.assistant is not None:
            text = text.replace(f", model {self.assistant.info().get('model')}", "")
        return text

    def add(self, documents: list[Document], keep: bool, progress: Any = None) -> str:
        """``keep``: add the documents (an id already indexed is replaced); else rebuild the index from them alone."""
        kind = "add" if keep and self.assistant is not None else "build"
        return self.change(Job(kind, self.index_dir, documents=tuple(documents)), progress)

    def remove(self, doc_ids: list[str], progress: Any = None) -> str:
        self.require()  # a damaged index: its own message
        return self.change(Job("remove", self.index_dir, doc_ids=tuple(doc_ids)), progress)

    def version(self) -> tuple[Any, ...]:
        """Changes whenever the index on disk does (for the page's figures)."""
        if self.assistant is None:
            return ("problem", self.problem)
        info = self.assistant.info()
        return (info.get("documents"), info.get("sentences"), info.get("speakers"), info.get("created"),
                info.get("build_id"))

    def examples(self) -> list[str]:
        """Three questions made from the index (cached per index version)."""
        if self.assistant is None:
            return []
        version = self.version()
        if self._examples is None or self._examples[0] != version:
            self._examples = (version, example_questions(self.assistant))
        return self._examples[1]


# ----- presentation: pure functions of the API's objects -----

def document_html(text: str, passages: list[Passage], focus: int | None = None, body_start: int = 0) -> str:
    """The document (from ``body_start``) as escaped HTML paragraphs, cited sentences marked and numbered;
    the ``focus`` rank gets ``id="focus"`` so that the page can scroll to it."""
    marks = sorted(((p.start, p.end, p.rank) for p in passages if p.start >= body_start), key=lambda m: m[0])
    pieces: list[str] = []
    cursor = body_start
    for start, end, rank in marks:
        if start < cursor:
            continue
        pieces.append(html.escape(text[cursor:start]))
        attributes = ' id="focus" class="focus"' if rank == focus else ""
        pieces.append(f"<mark{attributes} data-rank=\"{rank}\"><sup>[{rank}]</sup> {html.escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    body = "".join(pieces)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def article_view(assistant: Any, answer: Answer | None, focus: int | None = None) -> str:
    """The article of the focused passage (default: the best) with its cited sentences highlighted; without an
    answer, the first document, nothing highlighted. The other documents the answer cites are named by title, with
    their citation numbers."""
    if assistant is None:
        return ""
    if answer is None or not answer.passages:
        first_id = shown_document(assistant, answer)
        if first_id is None:
            return "<div class='doc-view'><p><em>The index holds no documents.</em></p></div>"
        first = assistant.document(first_id)
        return _article(first, [], None, "") if first is not None else ""
    chosen = _focused(answer, focus)
    document = assistant.document(chosen.doc_id)
    if document is None:  # the document has left the index since this answer
        return "<div class='doc-view'><p><em>This document is no longer in the index.</em></p></div>"
    same = [p for p in answer.passages if p.doc_id == chosen.doc_id]
    others: dict[str, tuple[str, list[int]]] = {}
    for p in answer.passages:
        if p.doc_id != chosen.doc_id:
            others.setdefault(p.doc_id, (p.doc_title, []))[1].append(p.rank)
    named = "; ".join(f"\u201c{html.escape(title)}\u201d [{', '.join(map(str, ranks))}]"
                      for title, ranks in others.values())
    note = f"<p><em>Also cited: {named} (click a citation to see it)</em></p>" if others else ""
    return quote_check_html(answer.quote_check) + _article(document, same, chosen.rank, note)  # a quote check: its sides first


def shown_document(assistant: Any, answer: Answer | None, focus: int | None = None) -> str | None:
    """The id of the document :func:`article_view` shows for the same arguments (None: none)."""
    if assistant is None:
        return None
    if answer is None or not answer.passages:
        listing = assistant.documents()
        return listing[0].id if listing else None
    return _focused(answer, focus).doc_id


def _focused(answer: Answer, focus: int | None) -> Passage:
    """The passage cited as [focus], else the best one (the answer has passages)."""
    return next((p for p in answer.passages if p.rank == focus), answer.passages[0])


def _article(document: Any, passages: list[Passage], focus: int | None, note: str) -> str:
    date = f" · {html.escape(document.date)}" if document.date else ""
    author = f" · {html.escape(document.author)}" if getattr(document, "author", None) else ""
    link = html_link(getattr(document, "url", None))
    body = document_html(document.text, passages, focus, parse_header(document.text).body_start)
    return (
        f"<div class='doc-view'><h3>{html.escape(document.title)}</h3>"
        f"<p><small>{html.escape(document.id)}{date}{author}{' · ' + link if link else ''}</small></p>{note}{body}</div>"
    )


def context_message(passage: Passage) -> dict[str, Any]:
    """A collapsible chat message with the sentences around a cited one."""
    before = escape_markdown(passage.context_before) or "*(start of the document)*"
    after = escape_markdown(passage.context_after) or "*(end of the document)*"
    body = f"… {before}\n\n**{escape_markdown(passage.text)}**\n\n{after} …"
    title = f"[{passage.rank}] in context — {citation(passage)} — {speaker_label(passage)}"
    return {"role": "assistant", "content": body, "metadata": {"title": title, "status": "done"}}


def chat_messages(answer: Answer) -> list[dict[str, Any]]:
    """One question and its answer in the chat: the question (as text), the reply, a context box per citation."""
    return [{"role": "user", "content": escape_markdown(answer.question)},
            {"role": "assistant", "content": answer.answer}, *(context_message(p) for p in answer.passages)]


def saved_chat(answers: Sequence[Answer], keep: int | None = None) -> dict[str, Any]:
    """The chat as the browser keeps it (it survives a reload): the newest ``keep`` (default
    :data:`MAX_SAVED_ANSWERS`) answers, as JSON; the chat's messages are made again from them."""
    return {"answers": [a.to_dict() for a in list(answers)[-(keep or MAX_SAVED_ANSWERS):]]}


def restored_chat(saved: Any) -> tuple[list[dict[str, Any]], list[Answer]]:
    """The chat the browser kept, back as chat messages and Answers; anything that is not one gives an empty
    chat (the browser's storage is the user's to change)."""
    try:
        answers = [Answer.from_dict(a) for a in (saved or {}).get("answers", [])][-MAX_SAVED_ANSWERS:]
    except (AttributeError, KeyError, TypeError, ValueError):
        return [], []
    return [m for a in answers for m in chat_messages(a)], answers


def plural(n: Any, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def figures(state: AppState) -> str:
    """The index in one line (no server paths, no model ids): documents, sentences, speakers."""
    if state.assistant is None:
        return f"**The index cannot be used:** {escape_markdown(state.public(state.problem or 'not loaded'))}"
    info = state.assistant.info()
    return (f"{plural(info['documents'], 'document')} · {plural(info['sentences'], 'sentence')} · "
            f"{plural(info['speakers'], 'speaker')}")


index_figures = figures  # the older name


def speaker_choices(state: AppState) -> list[str]:
    if state.assistant is None:
        return [ALL_SPEAKERS]
    return [ALL_SPEAKERS] + [e.name for e in state.assistant.speakers()]


def speaker_rows(state: AppState, search: str = "") -> list[list[Any]]:
    """Speakers matching ``search`` (``Assistant.find_speakers``: a name or alias, any part, or a role such as
    "the mayor"): name, sentences, documents."""
    if state.assistant is None:
        return []
    return [[e.name, e.sentences, len(e.documents)] for e in state.assistant.find_speakers(search or "")]


SPEAKERS_SHOWN = 3
"""The Texts table names this many speakers of a document and counts the rest (a click opens the whole list)."""


def speaker_summary(names: Sequence[str], shown: int = SPEAKERS_SHOWN) -> str:
    """``A, B, C and 12 more``: a document's speakers in one short line."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown:,} more"


def documents_html(documents: Sequence[DocumentInfo]) -> str:
    """The Texts table: title and id, date, sentences, speakers (the first few, then a count), link; every value
    escaped. Columns of fixed shares on a wide screen; on a phone each document is a card of labelled lines."""
    if not documents:
        return "<p><em>The index holds no documents.</em></p>"
    rows = []
    for d in documents:
        speakers = html.escape(speaker_summary(d.speakers))
        if len(d.speakers) > SPEAKERS_SHOWN:
            speakers = f"<details><summary>{speakers}</summary>{html.escape(', '.join(d.speakers))}</details>"
        rows.append(
            f"<tr><td class='doc-title' data-label='Title'>{html.escape(d.title)}<br>"
            f"<small class='doc-id'>{html.escape(d.id)}</small></td>"
            f"<td data-label='Date'>{html.escape(d.date or '')}</td>"
            f"<td class='num' data-label='Sentences'>{d.sentences:,}</td>"
            f"<td data-label='Speakers'>{speakers}</td><td data-label='Link'>{html_link(d.url)}</td></tr>"
        )
    columns = "".join(f"<col class='{c}'>" for c in ("c-title", "c-date", "c-sentences", "c-speakers", "c-link"))
    head = ("<thead><tr><th>Title and id</th><th>Date</th><th class='num'>Sentences</th><th>Speakers</th>"
            "<th>Link</th></tr></thead>")
    return f"<div class='doc-table'><table><colgroup>{columns}</colgroup>{head}<tbody>{''.join(rows)}</tbody></table></div>"


def document_ids(state: AppState) -> list[str]:
    return [d.id for d in state.assistant.documents()] if state.assistant is not None else []


def quotes_html(entry: Any, passages: Sequence[Passage]) -> str:
    """All sentences of one speaker, grouped by document (newest first, as given), each with its citation."""
    aliases = f" · also called {html.escape(', '.join(entry.aliases))}" if entry.aliases else ""
    parts = [
        f"<h3>{html.escape(entry.name)}</h3>",
        f"<p>{plural(entry.sentences, 'sentence')}: {entry.direct} quoted, {entry.indirect} reported{aliases}</p>",
        "<div class='quotes'>",
    ]
    current = None
    for p in passages:
        if p.doc_id != current:
            if current is not None:
                parts.append("</ol>")
            date = f" · {html.escape(p.date)}" if p.date else ""
            link = html_link(p.url)
            parts.append(f"<h4>{html.escape(p.doc_title)} <small>({html.escape(p.doc_id)}{date})"
                         f"{' ' + link if link else ''}</small></h4><ol>")
            current = p.doc_id
        kind = "quoted" if p.attribution == "direct" else "reported"
        parts.append(f"<li>{html.escape(p.text)} <small>— {kind} · ¶{p.paragraph}, sentence {p.sentence}</small></li>")
    if current is not None:
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


def whole_k(value: Any) -> Any:
    """The slider sends 5.0; anything that is not a whole number is left for ``check_k`` to name."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def upload_name(raw: str) -> str:
    """An uploaded file's own name, whichever separator its path uses (never the server's upload folder)."""
    return Path(str(raw).replace("\\", "/")).name


def unsupported(paths: Sequence[str]) -> list[str]:
    """The names of uploaded files that are of no supported format (a PDF, say): refused when they are uploaded."""
    names = [upload_name(raw) for raw in paths]
    return [n for n in names if not n.lower().endswith(tuple(SOURCE_SUFFIXES))]


def refusal(names: Sequence[str]) -> str:
    """One line for files of unsupported formats (the upload box stays as it was, without them)."""
    shown = ", ".join(printable(n, 80) for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return (f"{shown} {'is not a' if len(names) == 1 else 'are not'} supported "
            f"file{'' if len(names) == 1 else 's'}; upload {', '.join(SOURCE_SUFFIXES)} files.")


def read_uploads(paths: list[str], pasted: str, pasted_title: str, notes: list[str] | None = None,
                 beside: Any = None) -> list[Document]:
    """Uploaded files (any source format) and pasted text as Documents; names are reduced to safe ids
    (``../../x.txt`` → ``x``). The build limits (bytes, documents, sentences of all texts together) are the CLI's
    and the API's, checked here, before any text reaches the build worker; messages name the file, never the
    server's upload folder. ``notes`` gets renamed ids, how many dates were not dates and the pasted text's id (for
    the summary). ``beside``: the Assistant whose index the texts are added to (a paste never replaces one of its
    documents: :func:`assistant.api.pasted_document`); None for a new index."""
    if len(paths) > MAX_UPLOAD_FILES:
        raise AssistantError(f"{len(paths)} files were uploaded; the limit is {MAX_UPLOAD_FILES} at once.")
    refused = unsupported(paths)
    if refused:
        raise AssistantError(refusal(refused))
    sizes: list[int] = []
    for raw in paths:
        name = upload_name(raw)
        size = Path(raw).stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise AssistantError(f"{name} is {size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes per file.")
        sizes.append(size)
    check_build(files=len(paths), size=sum(sizes))
    try:
        documents = read_sources([Path(raw) for raw in paths], notes=notes) if paths else []
    except AssistantError as error:
        message = str(error)
        for raw in paths:
            message = message.replace(str(Path(raw).parent) + "/", "")
        raise AssistantError(message) from None
    if pasted.strip():
        document, note = pasted_document(pasted, pasted_title, beside, taken=[d.id for d in documents])
        documents.append(document)
        if notes is not None:
            notes.append(note)
    if not documents:
        raise AssistantError("upload a file or paste some text first.")
    check_build(size=sum(utf8_size(d.text) for d in documents),
                sentences=sum(estimate_sentences(d.text) for d in documents))
    return documents


def progress_html(fraction: float, message: str) -> str:
    """A change under way: a bar and one line, the stage in plain words (:func:`assistant.api.progress_words`)
    and the share done once."""
    share = max(0, min(100, int(float(fraction) * 100)))
    words = html.escape(progress_words(message))
    return (f"<div class='change-progress'><progress max='100' value='{share}'></progress>"
            f"<span class='stage'>{words} · {share}%</span></div>")


def first_capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def status_html(text: str, lead: str | None = None) -> str:
    """A change's outcome as one line under its button, escaped; ``lead`` ("Not added", "Not removed") marks a
    problem, shown in bold before it ("Cancelled": a cancelled change)."""
    kind = "done" if lead is None else "cancelled" if lead == "Cancelled" else "problem"
    head = f"<strong>{html.escape(lead)}:</strong> " if lead else ""
    return f"<p class='status {kind}'>{head}{html.escape(text)}</p>"


class Background:
    """A change run in a thread of its own, so that the page's handler can show its progress as it goes."""

    def __init__(self, work: Any) -> None:
        self.fraction, self.message = 0.0, "starting"
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="assistant-page-change", daemon=True)
        self._thread.start()

    def _run(self, work: Any) -> None:
        try:
            self._result = work(self.report)
        except BaseException as error:  # noqa: BLE001 - handed to the page's handler by result()
            self._error = error

    def report(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message

    def updates(self, every: float = POLL_SECONDS) -> Any:
        """(fraction, message) whenever the progress has moved, until the change is over."""
        last = None
        while self._thread.is_alive():
            self._thread.join(every)
            now = (self.fraction, self.message)
            if now != last and self._thread.is_alive():
                last = now
                yield now

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def follow_change(state: AppState, work: Any, refused: str) -> Iterator[tuple[str, Any]]:
    """Run a change (``work(report)``) in the background and say how it goes: ``("progress", line)`` at once and
    whenever it moves, then ``("done", its result)``, or ``("failed", outcome line)`` when it was cancelled or
    refused (``refused`` leads that line: "Not added")."""
    running = Background(work)
    yield "progress", progress_html(0.0, "starting")
    for fraction, message in running.updates():
        yield "progress", progress_html(fraction, message)
    try:
        yield "done", running.result()
    except ChangeCancelled as cancelled:
        yield "failed", status_html(str(cancelled), "Cancelled")
    except AssistantError as error:
        yield "failed", status_html(state.public(str(error)), refused)


def page_error(state: AppState, error: BaseException) -> Exception:
    """An error for the page's modal, which renders HTML: escaped, without server paths, no traceback in the log."""
    return gr.Error(html.escape(state.public(str(error))), print_exception=False)


CHANGES_OFF = ("changes from the page are off on this server (it serves beyond this machine without a login); "
               "start it with a login (ASSISTANT_AUTH or --auth-file) or with --allow-remote-changes.")


def page_request_problem(headers: Any, loopback_only: bool) -> str | None:
    """Why a request may not change the index, or None: it must come from the page in a browser on this server.

    A browser sends ``Origin`` with every POST, so a request without one is not the page (a script replaying the
    page's protocol; the red team of issue 22 emptied the index that way), and one whose ``Origin`` is not the
    ``Host`` it was sent to is another site's page (cross-site request forgery). On a loopback server the ``Host``
    must be a loopback name too (DNS rebinding). A client that forges both headers is stopped only by the login or
    by serving changes off (:data:`CHANGES_OFF`): that is the boundary against a determined stranger."""
    from urllib.parse import urlsplit

    origin = (headers.get("origin") or "").strip()
    host = (headers.get("host") or "").strip().lower()
    if not origin or origin == "null":
        return "changes of the index are made from the page only (this request did not come from it)."
    try:
        origin_host = (urlsplit(origin).netloc or "").lower()
        host_name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return "changes of the index are made from the page only (this request did not come from it)."
    if origin_host != host:
        return "changes of the index are made from the page only (this request came from another site)."
    if loopback_only and host_name not in ("127.0.0.1", "localhost", "::1"):
        return "changes of the index are made from the page only (this request named another host)."
    return None


def remove_uploads(paths: Sequence[str], folder: str | Path | None = None) -> None:
    """Uploaded files are the server's copies in Gradio's upload ``folder``: removed once handled. A path outside
    that folder is never touched, whatever a request names."""
    import shutil

    from gradio.utils import get_upload_folder

    root = Path(folder or get_upload_folder()).resolve()
    for raw in paths:
        path = Path(str(raw)).resolve()
        if root not in path.parents:
            continue
        try:
            path.unlink(missing_ok=True)
            if path.parent.name and not any(path.parent.iterdir()):
                shutil.rmtree(path.parent, ignore_errors=True)
        except OSError:
            pass


# ----- the page -----

def build_app(index_dir: Path | None = None, changes: bool = True, loopback: bool = True) -> gr.Blocks:
    """The page. ``changes``: whether the page may change the index (off for a remote server without a login
    unless the user says so); ``loopback``: the server listens on this machine only.

    A user's mistake (an empty or too long question, a file of no supported format, Remove with nothing chosen)
    is one line beside the control it concerns, until the next action there; never a toast that goes, never a
    traceback in the server's log."""
    state = AppState(index_dir)

    def may_change(request: gr.Request | None) -> None:
        """A change asked for from the page: refused in the page's modal when changes are off or the request is
        not the page's own (the buttons are off when changes are, so only another client's request gets here)."""
        problem = CHANGES_OFF if not changes else \
            page_request_problem(request.headers if request is not None else {}, loopback)
        if problem:
            raise page_error(state, AssistantError(problem))

    def ask_api(question: str, k: int = 5, speaker: str | None = None) -> dict:
        """Answer a question: the Answer object (question, answer markdown, found, cited passages)."""
        try:
            who = None if speaker in (None, "", ALL_SPEAKERS) else speaker
            return state.require().ask(question, k=whole_k(k), speaker=who).to_dict()
        except AssistantError as error:
            raise gr.Error(state.public(str(error)), print_exception=False) from None

    def respond(message: str, history: list[dict], k: float, speaker: str, cited: list):
        """chat, article view, question box, answers, the chat kept in the browser, shown document, question line."""
        history = list(history or [])
        cited = list(cited or [])
        try:
            assistant = state.require()
            who = None if speaker in (None, "", ALL_SPEAKERS) else speaker
            answer = assistant.ask(message, k=whole_k(k), speaker=who)
        except AssistantError as error:  # the question stays in its box, the line under it says what is wrong
            line = f"**{escape_markdown(first_capital(state.public(str(error))))}**"
            return (*(gr.skip() for _ in range(6)), gr.update(value=line, visible=True))
        cited.append(answer)
        history.extend(chat_messages(answer))
        return (history, article_view(assistant, answer), "", cited, saved_chat(cited),
                shown_document(assistant, answer), gr.update(value="", visible=False))

    def show_citation(request: str, cited: list):
        """"<answer number>:<rank>" (from a click on [n] or a context box) → that sentence in its article."""
        try:
            number, rank = (int(x) for x in (request or "").split(":"))
            answer = (cited or [])[number - 1]
        except (ValueError, IndexError):
            return gr.skip(), gr.skip()
        if state.assistant is None or number < 1:
            return gr.skip(), gr.skip()
        return article_view(state.assistant, answer, rank), shown_document(state.assistant, answer, rank)

    def restore(saved: Any, cited: list):
        """On load: the chat the browser kept, and the article of its last answer (else the first document). A
        question asked before the load finished keeps its answer: the restore then leaves the chat alone."""
        if cited:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        history, answers = restored_chat(saved)
        last = answers[-1] if answers else None
        return history, answers, article_view(state.assistant, last), shown_document(state.assistant, last)

    def clear_all():
        return ([], "", [], article_view(state.assistant, None), saved_chat([]), shown_document(state.assistant, None),
                gr.update(value="", visible=False))

    def cancel_update() -> Any:
        """Cancel shows exactly while a change runs."""
        return gr.update(visible=state.changing, interactive=True, value="Cancel")

    def rebuild(files: list[str] | None, pasted: str, title: str, keep: bool, request: gr.Request):
        """Add (or rebuild from) the uploads and the pasted text. Yields the add line (progress, then the outcome),
        the remove line (cleared), Cancel, and the upload, paste and name boxes (cleared after a success)."""
        paths = [str(p) for p in (files or [])]

        def end(line: str, cleared: bool = False):
            keep_box = gr.skip()
            return (line, "", cancel_update(), None if cleared else keep_box, "" if cleared else keep_box,
                    "" if cleared else keep_box)

        notes: list[str] = []
        may_change(request)
        try:
            new = read_uploads(paths, pasted or "", title or "", notes, beside=state.assistant if keep else None)
        except AssistantError as error:
            yield end(status_html(state.public(str(error)), "Not added"))
            return
        running = gr.update(visible=True, interactive=True, value="Cancel")
        summary = ""
        for i, (kind, value) in enumerate(follow_change(state, lambda report: state.add(new, bool(keep), report),
                                                        "Not added")):
            if kind == "failed":
                yield end(value)
                return
            if kind == "done":
                summary = value
            elif i == 0:  # the first progress line clears the remove line and shows Cancel
                yield value, "", running, gr.skip(), gr.skip(), gr.skip()
            else:
                yield value, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        remove_uploads(paths)  # handled: the texts are in the index (a refused upload stays, to be fixed)
        yield end(status_html(" ".join([first_capital(summary), *notes])), cleared=True)

    def remove_documents(doc_ids: list[str] | None, request: gr.Request):
        """Yields the remove line (progress, then the outcome), the add line (cleared) and the choice box."""
        may_change(request)
        try:
            if not doc_ids:
                raise AssistantError("choose the documents to remove first.")
            state.require()
        except AssistantError as error:
            yield status_html(state.public(str(error)), "Not removed"), "", gr.skip()
            return
        wanted = [str(d) for d in doc_ids]
        summary = ""
        for i, (kind, value) in enumerate(follow_change(state, lambda report: state.remove(wanted, report),
                                                        "Not removed")):
            if kind == "failed":
                yield value, "", gr.skip()
                return
            if kind == "done":
                summary = value
            else:  # the first progress line clears the add line
                yield value, "" if i == 0 else gr.skip(), gr.skip()
        yield status_html(first_capital(summary)), "", gr.update(value=[])

    def check_upload(files: list[str] | None):
        """A file of no supported format is taken out of the upload box at once, with one line saying why."""
        paths = [str(p) for p in (files or [])]
        refused = set(unsupported(paths))
        if not refused:
            return gr.skip(), ""
        bad = [p for p in paths if upload_name(p) in refused]
        remove_uploads(bad)
        kept = [p for p in paths if p not in bad]
        return kept or None, status_html(refusal(sorted(refused)), "Not taken")

    def cancel_change(request: gr.Request):
        may_change(request)
        if state.cancel():
            return gr.update(interactive=False, value="Cancelling…")
        return gr.update(visible=False)

    def refresh(search: str = "", speaker: str | None = ALL_SPEAKERS):
        """Everything that shows the index: on page load, after a change, and when the index on disk changed."""
        if state.assistant is None:
            state.open()
        examples = state.examples()
        placeholder = examples[0] if examples else "Ask a question about the texts"
        choices = speaker_choices(state)
        return (
            figures(state), figures(state),
            gr.update(choices=choices) if speaker in choices else gr.update(choices=choices, value=ALL_SPEAKERS),
            speaker_rows(state, search or ""),
            documents_html(state.assistant.documents() if state.assistant is not None else []),
            gr.update(choices=document_ids(state)),
            gr.update(examples=[{"text": q} for q in examples]),
            gr.update(placeholder=placeholder),
            state.version(),
        )

    def after_change(shown: str | None, search: str, speaker: str | None):
        """refresh(), and the article view: kept while its document is in the index, else the first document."""
        if state.assistant is not None and shown is not None and state.assistant.document(shown) is not None:
            view_update, shown_update = gr.skip(), gr.skip()
        else:
            view_update, shown_update = article_view(state.assistant, None), shown_document(state.assistant, None)
        return (*refresh(search, speaker), view_update, shown_update)

    def tick(seen: Any, search: str, speaker: str | None, shown: str | None):
        """Every few seconds: when the index on disk has changed (another process added to it), show it."""
        if state.assistant is not None:
            state.assistant.info()  # the API notices a changed index here
        if state.version() == seen:
            return tuple(gr.skip() for _ in range(11))
        return after_change(shown, search, speaker)

    def show_speaker(search: str, event: gr.SelectData):
        rows = speaker_rows(state, search or "")
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        if state.assistant is None or not isinstance(row, int) or not 0 <= row < len(rows):
            return gr.skip(), gr.skip()
        name = rows[row][0]
        entry = next((e for e in state.assistant.speakers() if e.name == name), None)
        if entry is None:
            return gr.skip(), gr.skip()
        return quotes_html(entry, state.assistant.quotes(name)), gr.update(
            value=f"Ask with {name}", visible=True)

    def ask_with(label: str):
        name = label.removeprefix("Ask with ").strip()
        if state.assistant is None or name not in speaker_choices(state):
            return gr.skip(), gr.skip(), gr.skip()
        return (gr.Tabs(selected="ask"), gr.update(value=name),
                gr.update(placeholder=f"What did {name} say about …?", value=""))

    def example_text(event: gr.SelectData) -> str:
        return event.value["text"] if isinstance(event.value, dict) else str(event.value)

    examples = state.examples()
    with gr.Blocks(title="Article assistant") as demo:
        with gr.Row(elem_id="header"):
            gr.Markdown("# Article assistant", elem_id="title")
            status = gr.Markdown(figures(state), elem_id="index-status")
        gr.Markdown(WHAT_THIS_IS, elem_id="what-this-is")
        with gr.Tabs(selected="ask") as tabs:
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=300):
                        chat = gr.Chatbot(label="Answers", show_label=False, sanitize_html=True, allow_tags=False,
                                          elem_id="chat", feedback_options=None, autoscroll=False,
                                          examples=[{"text": q} for q in examples] or None,
                                          placeholder="**Ask a question**, or start with one of these:",
                                          group_consecutive_messages=True, buttons=[])
                        # no max_length: a box would cut a long question silently; the API says it is too long
                        question = gr.Textbox(show_label=False, elem_id="question", lines=1,
                                              max_lines=4, placeholder=examples[0] if examples else
                                              "Ask a question about the texts", container=False, autofocus=True)
                        question_status = gr.Markdown("", elem_id="question-status", visible=False)
                        with gr.Row(elem_id="ask-row"):
                            send = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=2, min_width=80)
                            clear = gr.Button("Clear", elem_id="clear-button", scale=1, min_width=80)
                        with gr.Row(elem_id="options"):
                            # allow_custom_value: a speaker gone with a change is the API's message, not Gradio's
                            speaker = gr.Dropdown(speaker_choices(state), value=ALL_SPEAKERS, label="Speaker",
                                                  elem_id="speaker-filter", min_width=160, allow_custom_value=True)
                            k = gr.Slider(1, 20, value=5, step=1, label="Sentences", elem_id="k", min_width=160)
                    with gr.Column(scale=2, min_width=300):
                        view = gr.HTML(article_view(state.assistant, None), elem_id="article-view",
                                       padding=False)
            with gr.Tab("Texts", id="texts"):
                texts_status = gr.Markdown(figures(state), elem_id="texts-figures")
                documents_table = gr.HTML(
                    documents_html(state.assistant.documents() if state.assistant is not None else []),
                    elem_id="documents", padding=False)
                with gr.Row(elem_id="remove-row"):
                    remove_choice = gr.Dropdown(document_ids(state), multiselect=True, allow_custom_value=True,
                                                label="Documents to remove", elem_id="remove-choice", scale=3)
                    remove_button = gr.Button("Remove from the index", elem_id="remove-button", scale=1,
                                              interactive=changes)
                remove_status = gr.HTML("", elem_id="remove-status", padding=False)
                if not changes:
                    gr.Markdown(f"**{escape_markdown(first_capital(CHANGES_OFF))}**", elem_id="changes-off")
                gr.Markdown("**Add texts**: upload `.txt`/`.md` files, saved web pages (`.html`), JSON Lines dumps "
                            "(`.jsonl`), RSS/Atom feeds (`.xml`/`.rss`/`.atom`) or web archives (`.warc`, "
                            "`.warc.gz`), or paste a text. In a text, a leading `date YYYY-MM-DD` line is the "
                            "article's date and a short first line without a full stop is its title; pages, dumps "
                            "and feeds bring their own title, date, author and address.")
                # no file_types: Gradio would refuse another file with an error on the box itself; check_upload
                # refuses it with a line under the Add button and the box stays as it was
                files = gr.File(file_count="multiple", label="Texts", type="filepath", elem_id="upload")
                pasted = gr.Textbox(lines=6, label="Or paste a text", elem_id="pasted")
                pasted_title = gr.Textbox(label="Name for the pasted text", elem_id="pasted-name",
                                          placeholder="my-article (default: from its headline or first words)")
                keep = gr.Checkbox(value=True, label="Keep the documents already in the index "
                                                     "(untick to rebuild the index from these texts alone)")
                with gr.Row(elem_id="add-row"):
                    add_button = gr.Button("Add to the index", variant="primary", elem_id="rebuild-button", scale=3,
                                           interactive=changes)
                    cancel_button = gr.Button("Cancel", variant="stop", elem_id="cancel-button", visible=False,
                                              scale=1)
                build_status = gr.HTML("", elem_id="build-status", padding=False)
            with gr.Tab("Speakers", id="speakers"):
                search = gr.Textbox(label="Find a speaker (name or alias)", elem_id="speaker-search",
                                    placeholder="name")
                with gr.Row():
                    table = gr.Dataframe(value=speaker_rows(state), headers=["speaker", "sentences", "documents"],
                                         interactive=False, elem_id="speaker-table", wrap=True, scale=2)
                    with gr.Column(scale=3):
                        ask_with_button = gr.Button("Ask with this speaker", elem_id="ask-with-speaker",
                                                    visible=False, variant="primary")
                        quotes_view = gr.HTML("<p><em>Click a speaker to see everything they said.</em></p>",
                                              elem_id="speaker-quotes")

        cited = gr.State([])
        shown = gr.State(shown_document(state.assistant, None))  # the id of the document in the article view
        seen = gr.State(state.version())
        saved = gr.BrowserState(saved_chat([]), storage_key=CHAT_KEY)
        cite_request = gr.Textbox(elem_id="cite-request", elem_classes=["offscreen"], show_label=False,
                                  container=False)
        cite_button = gr.Button("show", elem_id="cite-button", elem_classes=["offscreen"])
        timer = gr.Timer(5)

        refreshed = [status, texts_status, speaker, table, documents_table, remove_choice, chat, question, seen]
        answered = [chat, view, question, cited, saved, shown, question_status]
        for trigger in (send.click, question.submit):
            trigger(respond, [question, chat, k, speaker, cited], answered, api_visibility="private",
                    show_progress="minimal").then(None, None, None, js=SHOW_ANSWER_AND_FOCUS)
        chat.example_select(example_text, None, [question], api_visibility="private").then(
            respond, [question, chat, k, speaker, cited], answered, api_visibility="private",
        ).then(None, None, None, js=SHOW_ANSWER_AND_FOCUS)
        cite_button.click(show_citation, [cite_request, cited], [view, shown], api_visibility="private",
                          show_progress="hidden").then(None, None, None, js=SHOW_CITATION)
        clear.click(clear_all, None, [chat, question, cited, view, saved, shown, question_status],
                    api_visibility="private")
        # a change: its line under its button shows the progress and then the outcome; Cancel shows while it runs
        lines = [build_status, remove_status]  # a click clears both lines at once: no old outcome beside the new
        adding = add_button.click(lambda: ("", ""), None, lines, api_visibility="private", queue=False,
                                  show_progress="hidden").then(
            rebuild, [files, pasted, pasted_title, keep],
            [build_status, remove_status, cancel_button, files, pasted, pasted_title],
            api_visibility="private", show_progress="hidden")
        adding.then(after_change, [shown, search, speaker], [*refreshed, view, shown], api_visibility="private",
                    show_progress="hidden")
        removing = remove_button.click(lambda: ("", ""), None, lines, api_visibility="private", queue=False,
                                       show_progress="hidden").then(
            remove_documents, [remove_choice], [remove_status, build_status, remove_choice],
            api_visibility="private", show_progress="hidden")
        removing.then(after_change, [shown, search, speaker], [*refreshed, view, shown], api_visibility="private",
                      show_progress="hidden")
        files.upload(check_upload, [files], [files, build_status], api_visibility="private", show_progress="hidden")
        cancel_button.click(cancel_change, None, [cancel_button], api_visibility="private", queue=False,
                            show_progress="hidden")
        search.change(lambda s: speaker_rows(state, s or ""), [search], [table], api_visibility="private",
                      show_progress="hidden")
        table.select(show_speaker, [search], [quotes_view, ask_with_button], api_visibility="private")
        ask_with_button.click(ask_with, [ask_with_button], [tabs, speaker, question], api_visibility="private").then(
            None, None, None, js=FOCUS_QUESTION)
        # the figures and the kept chat side by side (the chat does not wait for the figures): a question asked while
        # the page loads keeps its answer (``restore`` leaves a chat that has one alone)
        demo.load(refresh, [search, speaker], refreshed, api_visibility="private")
        demo.load(restore, [saved, cited], [chat, cited, view, shown], api_visibility="private").then(
            None, None, None, js=SHOW_ANSWER_AND_FOCUS)
        timer.tick(tick, [seen, search, speaker, shown], [*refreshed, view, shown], api_visibility="private",
                   show_progress="hidden")
        gr.api(ask_api, api_name="ask")
    return demo


def serve(
    index_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int | None = 7860,
    auth: tuple[str, str] | None = None,
    prevent_thread_lock: bool = False,
    concurrency: int | None = None,
    changes: bool = True,
) -> gr.Blocks:
    """Launch the UI (loopback by default; never a public share link). ``concurrency``: questions answered at
    once (default ``settings.concurrency()``, chosen by measurement: README, reliability). ``changes``: whether
    the page may change the index. Uploads go to a folder of this server's own, removed when it exits."""
    import atexit
    import os
    import shutil
    import tempfile

    concurrency = concurrency or settings.concurrency()
    uploads = tempfile.mkdtemp(prefix="assistant-uploads-")
    os.environ["GRADIO_TEMP_DIR"] = uploads  # read by Gradio when the app is made, below
    atexit.register(shutil.rmtree, uploads, True)
    if threading.current_thread() is threading.main_thread():  # SIGTERM (a service stop) ends through atexit too
        import signal
        import sys

        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    demo = build_app(index_dir, changes=changes, loopback=host in ("127.0.0.1", "localhost", "::1"))
    demo.delete_cache = (UPLOAD_SWEEP_SECONDS, UPLOAD_SWEEP_SECONDS)
    demo.queue(default_concurrency_limit=concurrency, max_size=256)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        max_file_size=MAX_UPLOAD_BYTES if changes else 1,
        show_error=True,
        prevent_thread_lock=prevent_thread_lock,
        css=CSS + QUOTE_CHECK_CSS,
        head=HEAD,
        theme=gr.themes.Soft(),
        quiet=True,
    )
    return demo
