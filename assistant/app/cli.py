"""The ``assistant`` command: a thin shell over :class:`assistant.api.Assistant`."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .. import settings
from ..errors import AssistantError, failure_line, printable

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="assistant", description="Ask questions about news articles; get cited sentences with speakers.")
    parser.add_argument("--encoder", choices=settings.ENCODER_RUNTIMES, default=None,
                        help="encoder runtime: onnx (default; the model exported once to ONNX Runtime) or torch "
                             "(same vectors; default $ASSISTANT_ENCODER)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="build the index from source files or folders: .txt .md .html .jsonl .xml/.rss/.atom .warc(.gz) (default: the bundled article)")
    build.add_argument("sources", nargs="*", type=Path)
    build.add_argument("--index", type=Path, default=None, help="index directory (default ./index or $ASSISTANT_INDEX)")
    build.add_argument("--model", default=None, help="embedding model: qa-minilm-l6 (default), all-MiniLM-L6-v2, or any sentence-transformers path")

    ask = commands.add_parser("ask", help="answer a question with cited sentences")
    ask.add_argument("question")
    ask.add_argument("--index", type=Path, default=None)
    ask.add_argument("-k", type=int, default=5, help="number of sentences (default 5)")
    ask.add_argument("--speaker", default=None, help="only sentences of this speaker (a name or alias)")
    ask.add_argument("--json", action="store_true", help="print the Answer object as JSON")

    speakers = commands.add_parser("speakers", help="who is quoted, how often, under which names")
    speakers.add_argument("--index", type=Path, default=None)
    speakers.add_argument("--json", action="store_true")

    attribute = commands.add_parser("attribute", help="the sentences of one text with their speakers (no index)")
    attribute.add_argument("file", type=Path)
    attribute.add_argument("--json", action="store_true", help="JSON Lines, one Sentence object a line")

    serve = commands.add_parser("serve", help="the web UI")
    serve.add_argument("--index", type=Path, default=None)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--allow-remote", action="store_true", help="required to bind an address other than loopback")
    serve.add_argument("--auth-file", type=Path, default=None,
                       help="require a login: USER:PASSWORD on the file's first line (or set ASSISTANT_AUTH)")
    serve.add_argument("--allow-remote-changes", action="store_true",
                       help="let the page change the index on a non-loopback address without a login")
    serve.add_argument("--auth", default=None, help=argparse.SUPPRESS)  # kept for old scripts: visible in ps

    add = commands.add_parser("add", help="analyse only these texts and add them to the index (same id: replaced)")
    add.add_argument("sources", nargs="+", type=Path)
    add.add_argument("--index", type=Path, default=None)

    remove = commands.add_parser("remove", help="take documents out of the index")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    remove.add_argument("--index", type=Path, default=None)

    documents = commands.add_parser("documents", help="the indexed documents: id, title, date, url, author, sentences, speakers")
    documents.add_argument("--index", type=Path, default=None)
    documents.add_argument("--json", action="store_true")

    analyse = commands.add_parser("analyse", help="segment, attribute and embed texts into the analysed form (no index)")
    analyse.add_argument("sources", nargs="+", type=Path)
    analyse.add_argument("--out", type=Path, required=True, help="the analysed directory to write")
    analyse.add_argument("--model", default=None, help="embedding model: qa-minilm-l6 (default), all-MiniLM-L6-v2, or any sentence-transformers path")
    analyse.add_argument("--ray", default=None, metavar="ADDRESS|local", help="run the work on a Ray cluster")

    import_ = commands.add_parser("import", help="add analysed directories to the index (created if missing)")
    import_.add_argument("analysed", nargs="+", type=Path, metavar="ANALYSED_DIR")
    import_.add_argument("--index", type=Path, default=None)

    verify = commands.add_parser("verify", help="check every file of the index against its checksums")
    verify.add_argument("--index", type=Path, default=None)

    evaluate = commands.add_parser("eval", help="evaluation commands")
    kinds = evaluate.add_subparsers(dest="kind", required=True, parser_class=_Parser)
    eval_speakers = kinds.add_parser("speakers", help="speaker attribution against gold attributions (PolNeAR format)")
    eval_speakers.add_argument("file", type=Path)
    eval_retrieval = kinds.add_parser("retrieval", help="sentence retrieval (ReQA format): MRR, R@1/5/10, timings")
    eval_retrieval.add_argument("cases", type=Path)
    eval_retrieval.add_argument("--docs", type=Path, required=True)
    eval_retrieval.add_argument("--index", type=Path, default=None, help="where to build (default: a temporary folder)")
    eval_retrieval.add_argument("--limit", type=int, default=None, help="only the first N cases")
    return parser


def _index_dir(args: argparse.Namespace) -> Path:
    return args.index if args.index is not None else settings.default_index_dir()


def _open(args: argparse.Namespace):  # noqa: ANN202
    from ..api import Assistant

    if args.index is None:  # the default index is built from the bundled article when missing
        assistant = Assistant.open(None)
    else:
        assistant = Assistant.load(args.index)
    notice = assistant.model_notice()
    if notice:
        print(f"note: {notice}", file=sys.stderr)
    return assistant


def _progress_printer():  # noqa: ANN202 - a progress callback for the terminal
    last = [-1]

    def progress(fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if percent // 10 != last[0] // 10 or fraction >= 0.9:
            print(f"[{percent:3d}%] {printable(message, 300)}", file=sys.stderr, flush=True)
            last[0] = percent

    return progress


def shown(text: object) -> str:
    """Any text from the index (ids, titles, speakers, sentences: typed, added or imported) as one line that cannot
    drive the terminal: line breaks become spaces, escapes and controls visible (``\\x1b``)."""
    return printable(str(text).replace("\n", " "), None)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters json.dumps(ensure_ascii=False) leaves raw that a terminal acts on (C1 controls such as CSI) or that
reorder a line (bidi controls): written as \\u escapes, the same JSON value."""


def json_text(value: object) -> str:
    """JSON for the terminal: the contract's JSON, with terminal-driving characters as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def cmd_build(args: argparse.Namespace) -> None:
    from .. import api

    sources = args.sources or [api.bundled_article()]
    notes: list[str] = []
    documents = api.read_sources(sources, notes=notes, progress=_progress_printer())
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    change = api.Assistant.build_documents(documents, _index_dir(args), args.model, _progress_printer())
    print(f"built {change}")


def cmd_add(args: argparse.Namespace) -> None:
    from .. import api

    notes: list[str] = []
    documents = api.read_sources(args.sources, notes=notes, progress=_progress_printer())
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(api.add_documents(documents, _index_dir(args), _progress_printer()))


def cmd_remove(args: argparse.Namespace) -> None:
    from .. import api

    print(api.remove(args.doc_ids, _index_dir(args)))


def cmd_documents(args: argparse.Namespace) -> None:
    from .. import api

    infos = api.documents(_index_dir(args))
    if args.json:
        print(json_text([d.to_dict() for d in infos]))
        return
    if not infos:
        print("The index holds no documents.")
    width = max(len(printable(d.id, 80)) for d in infos) if infos else 0
    for d in infos:
        speakers = ", ".join(d.speakers[:4]) + (f" (+{len(d.speakers) - 4})" if len(d.speakers) > 4 else "")
        print(f"{printable(d.id, 80):<{width}}  {printable(d.date or '-'):10}  {d.sentences:5d} sentences  {printable(d.title, 60)}"
              f"{'  — ' + printable(speakers, 120) if speakers else ''}"
              f"{'  <' + printable(d.url, 200) + '>' if d.url else ''}")


def cmd_analyse(args: argparse.Namespace) -> None:
    from ..api import analyse, analysis_time_split

    notes: list[str] = []
    documents, sentences, seconds = analyse(args.sources, args.out, model=args.model, ray=args.ray,
                                            progress=_progress_printer(), notes=notes)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    rate = sentences / seconds if seconds > 0 else 0.0
    print(f"analysed {documents} document(s), {sentences:,} sentences into {printable(args.out)} "
          f"({seconds:.1f} s, {rate:.0f} sentences/s)")
    split = analysis_time_split()
    if split:
        print(split)


def cmd_import(args: argparse.Namespace) -> None:
    from .. import api

    print(api.import_analysed(args.analysed, _index_dir(args), _progress_printer()))


def cmd_verify(args: argparse.Namespace) -> None:
    from .. import api

    checked = api.verify(_index_dir(args))
    print(f"{printable(_index_dir(args))}: ok ({checked['segments']} segment(s), {checked['files']} files, "
          f"{checked['bytes']:,} bytes checked)")


def cmd_ask(args: argparse.Namespace) -> None:
    from ..api import NOT_AN_ANSWER, lead_lines, speaker_label

    assistant = _open(args)
    answer = assistant.ask(args.question, k=args.k, speaker=args.speaker)
    if args.json:
        print(json_text(answer.to_dict()))
        return
    lead = lead_lines(answer)  # not found, the speaker asked about, the speaker filter, who said it
    if answer.quote_check is not None:  # the verdict line, then the quote and its source aligned word by word
        lead = lead[:1] + quote_diff_lines(answer.quote_check)
    for line in lead:
        print(shown(line))
    if lead and answer.passages:
        print()
    mark = "" if answer.found else f"  ({NOT_AN_ANSWER})"
    for p in answer.passages:
        print(f"[{p.rank}] {p.score:.2f}{mark}  {shown(speaker_label(p))}  —  {shown(p.doc_id)} ¶{p.paragraph} "
              f"s{p.sentence} [{p.start}:{p.end}]{'  ' + printable(p.url, 200) if p.url else ''}")
        print(f"    {shown(p.text)}")


def quote_diff_lines(check) -> list[str]:  # noqa: ANN001 - an api.QuoteCheck
    """The aligned diff of a quote check's first match (none when its words are the source's exactly)."""
    from ..api import aligned_diff

    if not check.matches or not check.matches[0].words_differ:
        return []
    first = check.matches[0]
    words = "1 word differs" if first.words_differ == 1 else f"{first.words_differ} words differ"
    return ["", f"{words}, quote vs [{first.rank}]:",
            *(f"  {line}" for line in aligned_diff(check.quote, first.passage.text))]


def cmd_speakers(args: argparse.Namespace) -> None:
    entries = _open(args).speakers()
    if args.json:
        print(json_text([e.to_dict() for e in entries]))
        return
    if not entries:
        print("No quoted or reported speakers in the index.")
    width = max((len(shown(e.name)) for e in entries), default=10)
    for e in entries:
        aliases = shown("; ".join(e.aliases)) if e.aliases else "-"
        print(f"{shown(e.name):<{width}}  {e.sentences:3d} sentences ({e.direct} direct, {e.indirect} indirect)  aliases: {aliases}")


def cmd_attribute(args: argparse.Namespace) -> None:
    from ..api import attribute, read_source

    document = read_source(args.file)  # a folder, device, FIFO or non-text file is one clear line
    for s in attribute(document.text):
        if args.json:
            print(json.dumps(s.to_dict(), ensure_ascii=False))
        else:
            who = s.speaker or "-"
            print(f"¶{s.paragraph:<3d} {s.attribution:<9} {who:<24} {s.text}")


def _check_port(host: str, port: int) -> None:
    """Refuse an invalid or busy port with one line, before the index and the page are loaded."""
    import socket

    if not 1 <= port <= 65535:
        raise AssistantError(f"--port must be a number from 1 to 65535, not {port}.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AssistantError(f"cannot serve on {printable(host, 100)}: not a known host name or address.") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if hasattr(socket, "SO_REUSEADDR"):
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            reason = "it is already in use" if error.errno in (98, 48, 10048) else (error.strerror or str(error))
            raise AssistantError(
                f"cannot serve on {printable(host, 100)} port {port}: {reason}; choose another with --port."
            ) from None


AUTH_ENV = "ASSISTANT_AUTH"
"""The login for ``serve`` (USER:PASSWORD), so that it never has to be on the command line, where ps shows it."""


def _login_pair(value: str, where: str) -> tuple[str, str]:
    user, sep, password = value.strip().partition(":")
    if not sep or not user or not password:
        raise AssistantError(f"the login in {where} must be USER:PASSWORD.")
    return user, password


def login(args: argparse.Namespace) -> tuple[str, str] | None:
    """The login from ``--auth-file`` (its first line), else ``ASSISTANT_AUTH``, else the old ``--auth``."""
    if args.auth_file is not None:
        try:
            with open(args.auth_file, encoding="utf-8") as handle:
                first = handle.readline(4096)
        except (OSError, UnicodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else "not readable UTF-8 text"
            raise AssistantError(f"cannot read the --auth-file {printable(args.auth_file)}: {reason}.") from None
        return _login_pair(first, f"--auth-file {printable(args.auth_file)}")
    if os.environ.get(AUTH_ENV):
        return _login_pair(os.environ[AUTH_ENV], AUTH_ENV)
    if args.auth is not None:
        print(f"warning: --auth is visible to every user of this machine (ps); use {AUTH_ENV} or --auth-file.",
              file=sys.stderr)
        return _login_pair(args.auth, "--auth")
    return None


def cmd_serve(args: argparse.Namespace) -> None:
    host = printable(args.host, 100)
    if args.host not in LOOPBACK and not args.allow_remote:
        raise AssistantError(f"refusing to bind {host}: add --allow-remote to serve beyond this machine.")
    auth = login(args)
    _check_port(args.host, args.port)  # before the heavy imports and the index: a busy port fails at once
    from .ui import serve

    changes = True
    if args.host not in LOOPBACK:
        if auth is not None:
            print(f"warning: serving on {host}: a login is on; anyone with it who can reach this port can use the "
                  "app and change the index (without TLS the login crosses the network in clear).", file=sys.stderr)
        elif args.allow_remote_changes:
            print(f"warning: serving on {host} without a login: anyone who can reach this port can ask and "
                  "change the index (--allow-remote-changes).", file=sys.stderr)
        else:
            changes = False
            print(f"warning: serving on {host} without a login: anyone who can reach this port can ask; changes "
                  f"from the page are off (set {AUTH_ENV} or --auth-file, or add --allow-remote-changes).",
                  file=sys.stderr)
    serve(index_dir=args.index, host=args.host, port=args.port, auth=auth, changes=changes)


def cmd_eval(args: argparse.Namespace) -> None:
    if args.kind == "speakers":
        from ..api import evaluate_speakers

        print(evaluate_speakers(args.file))
    else:
        from ..api import evaluate_retrieval

        print(evaluate_retrieval(args.cases, args.docs, index_dir=args.index, limit=args.limit))


COMMANDS = {
    "build": cmd_build,
    "ask": cmd_ask,
    "speakers": cmd_speakers,
    "attribute": cmd_attribute,
    "serve": cmd_serve,
    "add": cmd_add,
    "remove": cmd_remove,
    "documents": cmd_documents,
    "analyse": cmd_analyse,
    "import": cmd_import,
    "verify": cmd_verify,
    "eval": cmd_eval,
}


def _say(line: str) -> None:
    """One line on stderr, whatever the terminal's encoding can show."""
    try:
        print(line, file=sys.stderr, flush=True)
    except UnicodeEncodeError:
        encoding = getattr(sys.stderr, "encoding", None) or "ascii"
        print(line.encode(encoding, "backslashreplace").decode(encoding), file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Every failure is one line on stderr (paths escaped) and exit code 2, never a traceback
    (``ASSISTANT_DEBUG=1`` shows the traceback of an unexpected error)."""
    import os

    args = make_parser().parse_args(argv)
    if args.encoder:
        os.environ["ASSISTANT_ENCODER"] = args.encoder  # the setting every layer (and each Ray worker) reads
    try:
        COMMANDS[args.command](args)
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the contract: one line, exit 2, never a traceback
        if os.environ.get("ASSISTANT_DEBUG") and not isinstance(error, (AssistantError, OSError, UnicodeError, MemoryError)):
            raise
        line = failure_line(error)
        if line.startswith("unexpected "):
            line += " (ASSISTANT_DEBUG=1 shows more)"
        _say(f"error: {line}")
        return 2
    return 0
