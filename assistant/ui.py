"""The Gradio web UI: a chat with cited, speaker-attributed sentences, the article view, and rebuilding the index.

The page holds no logic of its own: every action calls :class:`assistant.api.Assistant`.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import Any

from . import settings
from .answers import citation, escape_markdown, speaker_label
from .documents import decode, make_document, parse_header, unique_ids
from .errors import AssistantError
from .schema import Answer, Document, Passage

settings.go_offline()

import gradio as gr  # noqa: E402 - after the offline environment is set

ALL_SPEAKERS = "All speakers"
MAX_UPLOAD_BYTES = 5_000_000
MAX_UPLOAD_FILES = 500
CSS = """
.doc-view { max-height: 640px; overflow-y: auto; line-height: 1.6; padding: 0.5em 1em; }
.doc-view mark { background: #fde68a; padding: 0 2px; border-radius: 3px; }
.doc-view mark sup { font-weight: bold; color: #92400e; }
.doc-view mark.focus { background: #fbbf24; outline: 2px solid #b45309; }
.doc-view p { margin: 0 0 0.8em 0; }
"""


class AppState:
    """The one Assistant the page serves, or the clear reason why there is none yet (a damaged index, say)."""

    def __init__(self, index_dir: Path | None) -> None:
        self.index_dir = Path(index_dir) if index_dir is not None else settings.default_index_dir()
        self.assistant: Any = None
        self.problem: str | None = None
        self._build_lock = threading.Lock()
        self.open()
        if self.assistant is not None:
            self.assistant.warm_up()

    def open(self) -> None:
        from .api import Assistant

        try:
            self.assistant = Assistant.open(self.index_dir)
            self.problem = None
        except AssistantError as error:
            self.assistant = None
            self.problem = str(error)

    def require(self) -> Any:
        if self.assistant is None:
            self.open()
        if self.assistant is None:
            raise AssistantError(self.problem or "no index is loaded.")
        return self.assistant

    def rebuild(self, documents: list[Document], progress: Any) -> str:
        from .api import Assistant

        if not self._build_lock.acquire(blocking=False):
            raise AssistantError("a rebuild is already running; wait for it to finish.")
        try:
            summary = Assistant.build_documents(documents, self.index_dir, progress=progress)
            self.open()
            return str(summary)
        finally:
            self._build_lock.release()


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
        pieces.append(f"<mark{attributes}><sup>[{rank}]</sup> {html.escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    body = "".join(pieces)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def article_view(assistant: Any, answer: Answer | None, focus: int | None = None) -> str:
    """The article of the focused passage (default: the best) with its cited sentences highlighted."""
    documents = {d.id: d for d in assistant.documents()}
    if answer is None or not answer.passages:
        first = next(iter(documents.values()), None)
        if first is None:
            return ""
        return _article(first, [], None, "")
    chosen = next((p for p in answer.passages if p.rank == focus), answer.passages[0])
    document = documents.get(chosen.doc_id)
    if document is None:  # the index was rebuilt since this answer
        return "<div class='doc-view'><p><em>This document is no longer in the index.</em></p></div>"
    same = [p for p in answer.passages if p.doc_id == chosen.doc_id]
    others = sorted({p.doc_id for p in answer.passages} - {chosen.doc_id})
    note = f"<p><em>Also cited: {html.escape(', '.join(others))} (click a citation to see it)</em></p>" if others else ""
    return _article(document, same, chosen.rank, note)


def _article(document: Any, passages: list[Passage], focus: int | None, note: str) -> str:
    date = f" · {html.escape(document.date)}" if document.date else ""
    body = document_html(document.text, passages, focus, parse_header(document.text).body_start)
    return (
        f"<div class='doc-view'><h3>{html.escape(document.title)}</h3>"
        f"<p><small>{html.escape(document.id)}{date}</small></p>{note}{body}</div>"
    )


def context_message(passage: Passage) -> dict[str, Any]:
    """A collapsible chat message with the sentences around a cited one."""
    before = escape_markdown(passage.context_before) or "*(start of the document)*"
    after = escape_markdown(passage.context_after) or "*(end of the document)*"
    body = f"… {before}\n\n**{escape_markdown(passage.text)}**\n\n{after} …"
    title = f"[{passage.rank}] in context — {citation(passage)} — {speaker_label(passage)}"
    return {"role": "assistant", "content": body, "metadata": {"title": title, "status": "done"}}


def index_figures(state: AppState) -> str:
    if state.assistant is None:
        return f"**The index cannot be used:** {escape_markdown(state.problem or 'not loaded')}"
    info = state.assistant.info()
    return (
        f"**Index** `{code_span(str(info['index']))}`: {info['documents']} document(s), "
        f"{info['sentences']} sentences, {info['speakers']} speaker(s), model `{code_span(str(info['model']))}`"
    )


def code_span(text: str) -> str:
    """Text for inside a markdown code span (no backticks, no line breaks)."""
    return text.replace("`", "'").replace("\n", " ")


def speaker_choices(state: AppState) -> list[str]:
    if state.assistant is None:
        return [ALL_SPEAKERS]
    return [ALL_SPEAKERS] + [e.name for e in state.assistant.speakers()]


def speaker_rows(state: AppState) -> list[list[Any]]:
    if state.assistant is None:
        return []
    return [
        [e.name, e.sentences, e.direct, e.indirect, ", ".join(e.documents), "; ".join(e.aliases)]
        for e in state.assistant.speakers()
    ]


def whole_k(value: Any) -> Any:
    """The slider sends 5.0; anything that is not a whole number is left for ``check_k`` to name."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_uploads(paths: list[str], pasted: str, pasted_title: str) -> list[Document]:
    """Uploaded files and pasted text as Documents; names are reduced to safe ids (``../../x.txt`` → ``x``)."""
    if len(paths) > MAX_UPLOAD_FILES:
        raise AssistantError(f"{len(paths)} files were uploaded; the limit is {MAX_UPLOAD_FILES} at once.")
    stems: list[str] = []
    texts: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        name = Path(str(raw).replace("\\", "/")).name
        if Path(name).suffix.lower() not in (".txt", ".md"):
            raise AssistantError(f"{name} is not a .txt or .md file.")
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise AssistantError(f"{name} is {size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes per file.")
        texts.append((name, decode(path.read_bytes(), name)))
        stems.append(Path(name).stem)
    if pasted.strip():
        texts.append(("pasted.txt", pasted))
        stems.append(pasted_title.strip() or "pasted-text")
    if not texts:
        raise AssistantError("upload a .txt or .md file or paste some text first.")
    ids = unique_ids(stems)
    return [make_document(text, doc_id, source=name) for (name, text), doc_id in zip(texts, ids)]


def current_documents(state: AppState) -> list[Document]:
    if state.assistant is None:
        return []
    return [
        Document(id=d.id, title=d.title, date=d.date, text=d.text, source=d.source) for d in state.assistant.documents()
    ]


def merge_documents(old: list[Document], new: list[Document]) -> list[Document]:
    """New documents replace old ones with the same id; ids stay unique."""
    by_id = {d.id: d for d in old}
    for d in new:
        by_id[d.id] = d
    return list(by_id.values())


# ----- the page -----

def build_app(index_dir: Path | None = None) -> gr.Blocks:
    state = AppState(index_dir)

    def ask_api(question: str, k: int = 5, speaker: str | None = None) -> dict:
        """Answer a question: the Answer object (question, answer markdown, cited passages)."""
        try:
            who = None if speaker in (None, "", ALL_SPEAKERS) else speaker
            return state.require().ask(question, k=whole_k(k), speaker=who).to_dict()
        except AssistantError as error:
            raise gr.Error(str(error)) from None

    def respond(message: str, history: list[dict], k: float, speaker: str, cited: dict):
        history = list(history or [])
        cited = dict(cited or {})
        try:
            assistant = state.require()
            who = None if speaker in (None, "", ALL_SPEAKERS) else speaker
            answer = assistant.ask(message, k=whole_k(k), speaker=who)
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        history.append({"role": "user", "content": escape_markdown(answer.question)})
        cited[len(history)] = (answer, None)
        history.append({"role": "assistant", "content": answer.answer})
        for passage in answer.passages:
            cited[len(history)] = (answer, passage.rank)
            history.append(context_message(passage))
        return history, article_view(assistant, answer), "", cited

    def show_citation(cited: dict, event: gr.SelectData):
        """Clicking a reply or one of its context boxes shows that sentence in its article."""
        index = event.index if isinstance(event.index, int) else (event.index or [None])[0]
        if index not in (cited or {}) or state.assistant is None:
            return gr.update()
        answer, rank = cited[index]
        return article_view(state.assistant, answer, rank)

    def rebuild(files: list[str] | None, pasted: str, title: str, keep: bool, progress=gr.Progress()):
        try:
            new = read_uploads(list(files or []), pasted or "", title or "")
            documents = merge_documents(current_documents(state), new) if keep else new
            summary = state.rebuild(documents, lambda f, m: progress(f, desc=m))
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        choices = speaker_choices(state)
        return (
            f"{escape_markdown(summary)}\n\n{index_figures(state)}",
            gr.update(choices=choices, value=ALL_SPEAKERS),
            speaker_rows(state),
            article_view(state.assistant, None),
        )

    def refresh():
        if state.assistant is None:
            state.open()
        view = article_view(state.assistant, None) if state.assistant is not None else ""
        return index_figures(state), gr.update(choices=speaker_choices(state)), speaker_rows(state), view

    with gr.Blocks(title="Article assistant") as demo:
        gr.Markdown("# Article assistant\nAsk about the articles: every answer is the articles' own sentences, "
                    "cited, with who said each one. Open a context box and click it to see that sentence "
                    "highlighted in its article.")
        status = gr.Markdown(index_figures(state), elem_id="index-status")
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Answers", height=560, sanitize_html=True, allow_tags=False,
                                      elem_id="chat", feedback_options=None)
                    question = gr.Textbox(label="Question", placeholder="What did Putin say about hackers?",
                                          elem_id="question", max_length=2000)
                    with gr.Row():
                        k = gr.Slider(1, 20, value=5, step=1, label="Sentences")
                        speaker = gr.Dropdown(speaker_choices(state), value=ALL_SPEAKERS, label="Speaker")
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask-button")
                        clear = gr.Button("Clear")
                with gr.Column(scale=2):
                    view = gr.HTML(article_view(state.assistant, None) if state.assistant else "",
                                   label="Article", elem_id="article-view")
        with gr.Tab("Texts and index"):
            gr.Markdown("Upload `.txt`/`.md` files or paste a text, then rebuild the index. "
                        "A leading `date YYYY-MM-DD` line is read as the article's date.")
            files = gr.File(file_count="multiple", file_types=[".txt", ".md"], label="Texts", type="filepath")
            pasted = gr.Textbox(lines=8, label="Or paste a text")
            pasted_title = gr.Textbox(label="Name for the pasted text", placeholder="my-article")
            keep = gr.Checkbox(value=True, label="Keep the documents already in the index")
            rebuild_button = gr.Button("Rebuild index", variant="primary", elem_id="rebuild-button")
            build_status = gr.Markdown(index_figures(state), elem_id="build-status")
        with gr.Tab("Speakers"):
            table = gr.Dataframe(
                value=speaker_rows(state),
                headers=["speaker", "sentences", "direct", "indirect", "documents", "aliases"],
                interactive=False,
            )

        cited = gr.State({})
        scroll = "() => { const m = document.querySelector('#article-view #focus'); if (m) m.scrollIntoView({block: 'center'}); }"
        for trigger in (send.click, question.submit):
            trigger(respond, [question, chat, k, speaker, cited], [chat, view, question, cited],
                    api_visibility="private").then(None, None, None, js=scroll)
        chat.select(show_citation, [cited], [view], api_visibility="private").then(None, None, None, js=scroll)
        clear.click(lambda: ([], "", {}), None, [chat, question, cited], api_visibility="private")
        rebuild_button.click(rebuild, [files, pasted, pasted_title, keep], [build_status, speaker, table, view],
                             api_visibility="private")
        demo.load(refresh, None, [status, speaker, table, view], api_visibility="private")
        gr.api(ask_api, api_name="ask")
    return demo


def serve(
    index_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int | None = 7860,
    auth: tuple[str, str] | None = None,
    prevent_thread_lock: bool = False,
    concurrency: int | None = None,
) -> gr.Blocks:
    """Launch the UI (loopback by default; never a public share link). ``concurrency``: questions answered at
    once (default ``settings.concurrency()``, chosen by measurement: README, reliability)."""
    concurrency = concurrency or settings.concurrency()
    demo = build_app(index_dir)
    demo.queue(default_concurrency_limit=concurrency, max_size=256)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        max_file_size=MAX_UPLOAD_BYTES,
        show_error=True,
        prevent_thread_lock=prevent_thread_lock,
        css=CSS,
        theme=gr.themes.Soft(),
        quiet=True,
    )
    return demo
