"""The Gradio web UI: a chat with cited, speaker-attributed sentences, the article view, the texts and the speakers.

The page holds no logic of its own: every action calls :class:`assistant.api.Assistant`, and what it shows is made
by the pure functions below from the API's objects (Answer, Passage, DocumentInfo, SpeakerEntry). Changes of the
index (add, rebuild, remove) run in the build worker process (:mod:`assistant.app.build_worker`), so that questions are
never queued behind spaCy and torch; the page relays its progress, can cancel it, and reopens the index after it.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import build_worker
from .quote_view import CSS as QUOTE_CHECK_CSS, quote_check_html
from .. import settings
from ..api import citation, escape_markdown, example_questions, make_document, parse_header, speaker_label, unique_ids
from ..api import SOURCE_SUFFIXES, html_link, read_sources
from .build_worker import BuildWorker, ChangeCancelled, Job
from ..errors import AssistantError, printable
from ..limits import check_build, estimate_sentences, utf8_size
from ..schema import Answer, Document, Passage

settings.go_offline()

import gradio as gr  # noqa: E402 - after the offline environment is set

ALL_SPEAKERS = "All speakers"
MAX_UPLOAD_BYTES = 5_000_000
MAX_UPLOAD_FILES = 500
UPLOAD_SWEEP_SECONDS = 600
"""Uploads not handled (a page closed before its change) are deleted after this long, checked as often."""
WHAT_THIS_IS = ("Ask about the news articles in the index: every answer is the articles' own sentences, "
                "each cited, with who said it.")
CSS = """
#header { align-items: baseline; gap: 0.5em 1.5em; flex-wrap: wrap; }
#header h1 { margin: 0; font-size: 1.5em; }
#what-this-is p, #index-status p { margin: 0; }
#index-status { color: var(--body-text-color-subdued); }
#chat { height: clamp(260px, calc(100vh - 330px), 660px) !important; }
#chat .bubble-wrap { scroll-behavior: auto; }
#chat .top-panel { display: none; }
#chat .message-row.bot-row { max-width: 100% !important; }
#chat strong { cursor: pointer; }
#chat .thought-group .title { cursor: pointer; }
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
#build-progress { min-height: 3.2em; }
#build-progress .progress-level-inner, #build-progress .progress-text { font-size: 0.95em; }
#build-progress .progress-bar-wrap { height: 14px !important; border: 1px solid #b45309 !important; border-radius: 7px;
                                     background: #fff7ed !important; }
#build-progress .progress-bar { background: #f59e0b !important; border-radius: 7px; }
#build-progress .eta-bar { display: none !important; }
.build-problem { color: #b91c1c; font-weight: 600; }
#speaker-quotes .quotes { max-height: 70vh; overflow-y: auto; }
#speaker-quotes li { margin-bottom: 0.5em; }
#speaker-quotes small { color: var(--body-text-color-subdued); }
.doc-url, #chat a[href^="http"] { overflow-wrap: anywhere; word-break: break-all; }
@media (max-width: 640px) {
  #chat { height: clamp(240px, calc(100vh - 360px), 560px) !important; }
  .doc-view { height: 60vh; }
  #header h1 { font-size: 1.25em; }
  #header { flex-direction: column; gap: 0.1em; }
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
  new MutationObserver(() => external(document)).observe(document.documentElement, {childList: true, subtree: true});
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
# and the highlighted sentence scrolled into view inside the article box only (never the page).
SHOW_ANSWER = """
() => {
  const place = () => {
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
SHOW_FOCUS = """
() => {
  const place = () => {
    const view = document.querySelector('#article-view .doc-view');
    const mark = view && view.querySelector('#focus');
    if (!mark) return;
    view.scrollTop += mark.getBoundingClientRect().top - view.getBoundingClientRect().top - view.clientHeight / 4;
  };
  place(); requestAnimationFrame(place); setTimeout(place, 150); setTimeout(place, 500);
}
"""
SHOW_ANSWER_AND_FOCUS = f"() => {{ ({SHOW_ANSWER})(); ({SHOW_FOCUS})(); }}"


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
    answer, the first document, nothing highlighted."""
    if assistant is None:
        return ""
    if answer is None or not answer.passages:
        listing = assistant.documents()
        if not listing:
            return "<div class='doc-view'><p><em>The index holds no documents.</em></p></div>"
        first = assistant.document(listing[0].id)
        return _article(first, [], None, "") if first is not None else ""
    chosen = next((p for p in answer.passages if p.rank == focus), answer.passages[0])
    document = assistant.document(chosen.doc_id)
    if document is None:  # the document has left the index since this answer
        return "<div class='doc-view'><p><em>This document is no longer in the index.</em></p></div>"
    same = [p for p in answer.passages if p.doc_id == chosen.doc_id]
    others = sorted({p.doc_id for p in answer.passages} - {chosen.doc_id})
    note = f"<p><em>Also cited: {html.escape(', '.join(others))} (click a citation to see it)</em></p>" if others else ""
    return quote_check_html(answer.quote_check) + _article(document, same, chosen.rank, note)  # a quote check: its sides first


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
    """Speakers matching ``search`` (name or alias, any part): name, sentences, documents."""
    if state.assistant is None:
        return []
    wanted = " ".join(search.lower().split())
    rows = []
    for e in state.assistant.speakers():
        names = " | ".join([e.name, *e.aliases]).lower()
        if wanted and wanted not in names:
            continue
        rows.append([e.name, e.sentences, len(e.documents)])
    return rows


def document_rows(state: AppState) -> list[list[Any]]:
    if state.assistant is None:
        return []
    return [[d.id, d.title, d.date or "", d.sentences, ", ".join(d.speakers), html_link(d.url)]
            for d in state.assistant.documents()]


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


def read_uploads(paths: list[str], pasted: str, pasted_title: str, notes: list[str] | None = None) -> list[Document]:
    """Uploaded files (any source format) and pasted text as Documents; names are reduced to safe ids
    (``../../x.txt`` → ``x``). The build limits (bytes, documents, sentences of all texts together) are the CLI's
    and the API's, checked here, before any text reaches the build worker; messages name the file, never the
    server's upload folder. ``notes`` gets renamed ids and how many dates were not dates (for the summary)."""
    if len(paths) > MAX_UPLOAD_FILES:
        raise AssistantError(f"{len(paths)} files were uploaded; the limit is {MAX_UPLOAD_FILES} at once.")
    sizes: list[int] = []
    for raw in paths:
        name = Path(str(raw).replace("\\", "/")).name
        if not name.lower().endswith(tuple(SOURCE_SUFFIXES)):
            raise AssistantError(f"{name} is not a supported file; upload {', '.join(SOURCE_SUFFIXES)} files.")
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
        doc_id = unique_ids([pasted_title.strip() or "pasted-text"], taken=[d.id for d in documents])[0]
        documents.append(make_document(pasted, doc_id, source="pasted.txt"))
    if not documents:
        raise AssistantError("upload a file or paste some text first.")
    check_build(size=sum(utf8_size(d.text) for d in documents),
                sentences=sum(estimate_sentences(d.text) for d in documents))
    return documents


def staged(progress: Any) -> Any:
    """The API's ``progress(fraction, message)`` as a visible bar with the stage in words."""
    def report(fraction: float, message: str) -> None:
        progress(max(0.0, min(1.0, float(fraction))), desc=f"{int(fraction * 100)}% · {message}")
    return report


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
    unless the user says so); ``loopback``: the server listens on this machine only."""
    state = AppState(index_dir)

    def may_change(request: gr.Request | None) -> None:
        if not changes:
            raise AssistantError(CHANGES_OFF)
        problem = page_request_problem(request.headers if request is not None else {}, loopback)
        if problem:
            raise AssistantError(problem)

    def ask_api(question: str, k: int = 5, speaker: str | None = None) -> dict:
        """Answer a question: the Answer object (question, answer markdown, found, cited passages)."""
        try:
            who = None if speaker in (None, "", ALL_SPEAKERS) else speaker
            return state.require().ask(question, k=whole_k(k), speaker=who).to_dict()
        except AssistantError as error:
            raise gr.Error(state.public(str(error)), print_exception=False) from None

    def respond(message: str, history: list[dict], k: float, speaker: str, cited: list):
        history = list(history or [])
        cited = list(cited or [])
        try:
            assistant = state.require()
            who = None if speaker in (None, "", ALL_SPEAKERS) else speaker
            answer = assistant.ask(message, k=whole_k(k), speaker=who)
        except AssistantError as error:
            raise page_error(state, error) from None
        cited.append(answer)
        history.append({"role": "user", "content": escape_markdown(answer.question)})
        history.append({"role": "assistant", "content": answer.answer})
        history.extend(context_message(p) for p in answer.passages)
        return history, article_view(assistant, answer), "", cited

    def show_citation(request: str, cited: list):
        """"<answer number>:<rank>" (from a click on [n] or a context box) → that sentence in its article."""
        try:
            number, rank = (int(x) for x in (request or "").split(":"))
            answer = (cited or [])[number - 1]
        except (ValueError, IndexError):
            return gr.skip()
        if state.assistant is None or number < 1:
            return gr.skip()
        return article_view(state.assistant, answer, rank)

    def rebuild(files: list[str] | None, pasted: str, title: str, keep: bool, request: gr.Request,
                progress=gr.Progress()):
        try:
            notes: list[str] = []
            try:
                may_change(request)
                new = read_uploads(list(files or []), pasted or "", title or "", notes)
            finally:
                remove_uploads(list(files or []))  # handled: the texts are read (or refused)
            summary = " ".join([state.add(new, bool(keep), staged(progress)), *notes])
        except ChangeCancelled as cancelled:
            return f"**Cancelled:** {escape_markdown(str(cancelled))}", gr.skip(), gr.skip(), gr.skip()
        except AssistantError as error:
            raise page_error(state, error) from None
        return (
            escape_markdown(summary),
            gr.update(choices=speaker_choices(state), value=ALL_SPEAKERS),
            speaker_rows(state),
            article_view(state.assistant, None),
        )

    def remove_documents(doc_ids: list[str] | None, request: gr.Request, progress=gr.Progress()):
        try:
            may_change(request)
            if not doc_ids:
                raise AssistantError("choose the documents to remove first.")
            summary = state.remove(list(doc_ids), staged(progress))
        except ChangeCancelled as cancelled:
            return f"**Cancelled:** {escape_markdown(str(cancelled))}", gr.skip()
        except AssistantError as error:
            raise page_error(state, error) from None
        return escape_markdown(summary), gr.update(value=[])

    def change_started():
        return gr.update(visible=True, interactive=True, value="Cancel")

    def change_ended():
        """Cancel stays while a change runs (a second click's refusal must not hide the first change's button)."""
        return gr.update(visible=state.changing, interactive=True, value="Cancel")

    def cancel_change(request: gr.Request):
        try:
            may_change(request)
        except AssistantError as error:
            raise page_error(state, error) from None
        if state.cancel():
            return gr.update(interactive=False, value="Cancelling…")
        return gr.update(visible=False)

    def refresh(search: str = ""):
        """Everything that shows the index: on page load, after a change, and when the index on disk changed."""
        if state.assistant is None:
            state.open()
        examples = state.examples()
        ids = [d.id for d in state.assistant.documents()] if state.assistant is not None else []
        placeholder = examples[0] if examples else "Ask a question about the texts"
        return (
            figures(state), figures(state),
            gr.update(choices=speaker_choices(state)),
            speaker_rows(state, search or ""),
            document_rows(state),
            gr.update(choices=ids),
            gr.update(examples=[{"text": q} for q in examples]),
            gr.update(placeholder=placeholder),
            state.version(),
        )

    def tick(seen: Any, search: str):
        """Every few seconds: when the index on disk has changed (another process added to it), show it."""
        if state.assistant is not None:
            state.assistant.info()  # the API notices a changed index here
        if state.version() == seen:
            return tuple(gr.skip() for _ in range(9))
        return refresh(search)

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

    def clear_all():
        return [], "", [], article_view(state.assistant, None)

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
                        question = gr.Textbox(show_label=False, elem_id="question", max_length=2000, lines=1,
                                              max_lines=4, placeholder=examples[0] if examples else
                                              "Ask a question about the texts", container=False, autofocus=True)
                        with gr.Row(elem_id="ask-row"):
                            send = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=2, min_width=80)
                            clear = gr.Button("Clear", elem_id="clear-button", scale=1, min_width=80)
                        with gr.Row(elem_id="options"):
                            speaker = gr.Dropdown(speaker_choices(state), value=ALL_SPEAKERS, label="Speaker",
                                                  elem_id="speaker-filter", min_width=160)
                            k = gr.Slider(1, 20, value=5, step=1, label="Sentences", elem_id="k", min_width=160)
                    with gr.Column(scale=2, min_width=300):
                        view = gr.HTML(article_view(state.assistant, None), elem_id="article-view",
                                       padding=False)
            with gr.Tab("Texts", id="texts"):
                texts_status = gr.Markdown(figures(state), elem_id="texts-figures")
                documents_table = gr.Dataframe(value=document_rows(state), elem_id="documents",
                                               headers=["id", "title", "date", "sentences", "speakers", "url"],
                                               datatype=["str", "str", "str", "number", "str", "html"],
                                               interactive=False, wrap=True)
                with gr.Row():
                    remove_choice = gr.Dropdown([d[0] for d in document_rows(state)], multiselect=True,
                                                label="Documents to remove", elem_id="remove-choice", scale=3)
                    remove_button = gr.Button("Remove from the index", elem_id="remove-button", scale=1,
                                              interactive=changes)
                if not changes:
                    gr.Markdown(f"**{escape_markdown(CHANGES_OFF[:1].upper() + CHANGES_OFF[1:])}**",
                                elem_id="changes-off")
                gr.Markdown("**Add texts**: upload `.txt`/`.md` files, saved web pages (`.html`), JSON Lines dumps "
                            "(`.jsonl`), RSS/Atom feeds (`.xml`/`.rss`/`.atom`) or web archives (`.warc`, "
                            "`.warc.gz`), or paste a text. In a text, a leading `date YYYY-MM-DD` line is the "
                            "article's date and a short first line without a full stop is its title; pages, dumps "
                            "and feeds bring their own title, date, author and address.")
                files = gr.File(file_count="multiple", file_types=list(SOURCE_SUFFIXES), label="Texts",
                                type="filepath", elem_id="upload")
                pasted = gr.Textbox(lines=6, label="Or paste a text")
                pasted_title = gr.Textbox(label="Name for the pasted text", placeholder="my-article")
                keep = gr.Checkbox(value=True, label="Keep the documents already in the index "
                                                     "(untick to rebuild the index from these texts alone)")
                with gr.Row():
                    add_button = gr.Button("Add to the index", variant="primary", elem_id="rebuild-button", scale=3,
                                           interactive=changes)
                    cancel_button = gr.Button("Cancel", variant="stop", elem_id="cancel-button", visible=False,
                                              scale=1)
                progress_box = gr.HTML("", elem_id="build-progress")
                build_status = gr.Markdown("", elem_id="build-status")
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
        seen = gr.State(state.version())
        cite_request = gr.Textbox(elem_id="cite-request", elem_classes=["offscreen"], show_label=False,
                                  container=False)
        cite_button = gr.Button("show", elem_id="cite-button", elem_classes=["offscreen"])
        timer = gr.Timer(5)

        refreshed = [status, texts_status, speaker, table, documents_table, remove_choice, chat, question, seen]
        for trigger in (send.click, question.submit):
            trigger(respond, [question, chat, k, speaker, cited], [chat, view, question, cited],
                    api_visibility="private", show_progress="minimal").then(None, None, None,
                                                                            js=SHOW_ANSWER_AND_FOCUS)
        chat.example_select(example_text, None, [question], api_visibility="private").then(
            respond, [question, chat, k, speaker, cited], [chat, view, question, cited], api_visibility="private",
        ).then(None, None, None, js=SHOW_ANSWER_AND_FOCUS)
        cite_button.click(show_citation, [cite_request, cited], [view], api_visibility="private",
                          show_progress="hidden").then(None, None, None, js=SHOW_FOCUS)
        clear.click(clear_all, None, [chat, question, cited, view], api_visibility="private")
        # a change: Cancel appears, the worker runs it (progress in the box), Cancel goes, the figures follow
        adding = add_button.click(change_started, None, [cancel_button], api_visibility="private", queue=False,
                                  show_progress="hidden").then(
            rebuild, [files, pasted, pasted_title, keep], [build_status, speaker, table, view],
            api_visibility="private", show_progress="full", show_progress_on=[progress_box])
        adding.then(change_ended, None, [cancel_button], api_visibility="private", queue=False,
                    show_progress="hidden")
        adding.success(refresh, [search], refreshed, api_visibility="private")
        removing = remove_button.click(change_started, None, [cancel_button], api_visibility="private",
                                       queue=False, show_progress="hidden").then(
            remove_documents, [remove_choice], [build_status, remove_choice], api_visibility="private",
            show_progress="full", show_progress_on=[progress_box])
        removing.then(change_ended, None, [cancel_button], api_visibility="private", queue=False,
                      show_progress="hidden")
        removing.success(refresh, [search], refreshed, api_visibility="private").then(
            lambda: article_view(state.assistant, None), None, [view], api_visibility="private")
        cancel_button.click(cancel_change, None, [cancel_button], api_visibility="private", queue=False,
                            show_progress="hidden")
        search.change(lambda s: speaker_rows(state, s or ""), [search], [table], api_visibility="private",
                      show_progress="hidden")
        table.select(show_speaker, [search], [quotes_view, ask_with_button], api_visibility="private")
        ask_with_button.click(ask_with, [ask_with_button], [tabs, speaker, question], api_visibility="private")
        demo.load(refresh, [search], refreshed, api_visibility="private")
        timer.tick(tick, [seen, search], refreshed, api_visibility="private", show_progress="hidden")
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
