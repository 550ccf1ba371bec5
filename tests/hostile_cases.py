"""The table of hostile inputs (issue 5) and the helpers that run them: launching the app, hashing index folders,
checking Answer objects and that rendered replies are inert.

Each case names what must happen in every layer it is run through: an answer (a valid Answer object) or a clear
one-line message containing ``error``. Question cases run through the Python API, the CLI and the web API
(``gradio_client``); upload cases through ``Assistant.build``, ``assistant build`` and the UI's rebuild handler.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

LAYERS = ("api", "cli", "web")
HACKERS = "What did Putin say about hackers?"
CANARY = Path(tempfile.gettempdir()) / "assistant-hostile-canary"
"""Shell-looking questions try to create this file; it must never exist."""


# ----------------------------------------------------------------------------------------------------------------
# Question cases
# ----------------------------------------------------------------------------------------------------------------

ANSWER = None  # the expectation "a valid answer", for readability in the table


@dataclass(frozen=True)
class Ask:
    """A hostile question (or k, or speaker). ``error`` is None for "must answer", else a fragment of the message;
    ``by_layer`` overrides it for one layer; ``same_as`` names a question whose answer this one must equal."""

    id: str
    question: Any
    k: Any = 5
    speaker: Any = None
    error: str | None = ANSWER
    by_layer: dict[str, str | None] = field(default_factory=dict)
    layers: tuple[str, ...] = LAYERS
    same_as: str | None = None

    def expected(self, layer: str) -> str | None:
        return self.by_layer.get(layer, self.error)


def _numpy_int(value: int, kind: str = "int64") -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy comes with the embedding stack
        return value
    return getattr(numpy, kind)(value)


def _numpy_bool() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover
        return True
    return numpy.bool_(True)


ZALGO = "P\u0338\u0322u\u0337\u0358t\u0334\u0353i\u0335\u0347n\u0336\u0317 h\u0301\u0302\u0303a\u0304ckers"

ASK_CASES: list[Ask] = [
    # empty and white space
    Ask("empty", "", error="empty"),
    Ask("whitespace", " \t\n \r\u3000\u00a0 ", error="empty"),
    # long
    Ask("100k-chars", "hackers " * 12_500, error="limit"),
    Ask("2001-chars", "h" * 2_001, error="limit"),
    Ask("2000-chars-ok", ("hackers " * 250)[:2_000]),
    # NUL and control characters
    Ask("nul-inside", "What did Putin\x00say about hackers?", same_as=HACKERS),
    Ask("controls-inside", "What did Putin\x07\x08say\x1babout\x7fhackers?", same_as=HACKERS),
    Ask("controls-only", "\x00\x01\x07\x1b\x7f\x9b", error="empty"),
    Ask("ansi-escapes", "\x1b[2J\x1b[31mWhat did Putin say about hackers?\x1b[0m\x1b]0;pwned\x07"),
    Ask("crlf-injection", "What did Putin say?\r\nerror: fake line\r\n\r\nHTTP/1.1 200 OK"),
    # emoji and right-to-left
    Ask("emoji", "🤔💻 What did Putin say about hackers? 🇷🇺👨‍👩‍👧‍👦"),
    Ask("emoji-only", "🔥🔥🔥"),
    Ask("arabic", "ماذا قال بوتين عن القراصنة؟"),
    Ask("hebrew-rlo", "\u202eמה אמר פוטין על האקרים?\u202c \u200fhackers\u200e"),
    # SQL- and shell-looking
    Ask("sql-drop", "'; DROP TABLE x; --"),
    Ask("sql-or", "1' OR '1'='1' /* hackers */"),
    Ask("shell-subst", f"$(touch {CANARY}) $(rm -rf /) hackers"),
    Ask("shell-backticks", f"`touch {CANARY}` `rm -rf ~` hackers"),
    Ask("shell-pipe", f"; touch {CANARY} | cat /etc/passwd && echo $HOME #"),
    Ask("dash-question", "-rf", by_layer={"cli": "required: question"}),
    Ask("format-strings", "%s%s%n {0} {__class__} ${{7*7}} {{7*7}} hackers"),
    # HTML and script
    Ask("script-tag", "<script>alert(1)</script> What did Putin say about hackers?"),
    Ask("img-onerror", "<img src=x onerror=alert(1)> hackers"),
    Ask("javascript-href", '<a href="javascript:alert(1)">hackers</a> <iframe src="javascript:alert(2)"></iframe>'),
    Ask("svg-onload", "<svg/onload=alert(1)><style>*{display:none}</style> hackers"),
    Ask("who-said-script", "Who said <script>alert(1)</script> hackers can be anywhere?"),
    # markdown that would load remote images or make links
    Ask("md-image", "![x](http://example.com/a.png) hackers"),
    Ask("md-link-js", "[click](javascript:alert(1)) hackers <http://example.com> [ref]: http://example.com"),
    Ask("md-html-entities", "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x&#62; $$\\frac{1}{0}$$ hackers"),
    # unicode oddities
    Ask("zero-width", "Pu\u200dtin\u200b said\u200c about hack\u2060ers\ufeff?"),
    Ask("invisible-only", "\u200b\u200d\ufeff\u2060", error="empty"),
    Ask("combining-marks", ZALGO),
    Ask("lone-surrogates", "hackers \ud800 Putin \udfff", same_as="hackers   Putin"),
    Ask("surrogates-only", "\udcff\udcfe\ud800", error="empty"),
    Ask("non-string-question", None, error="must be text", layers=("api", "web")),
    Ask("bytes-question", b"hackers", error="must be text", layers=("api",)),
    # k out of range
    Ask("k-zero", HACKERS, k=0, error="k must be a whole number"),
    Ask("k-negative", HACKERS, k=-1, error="k must be a whole number"),
    Ask("k-51", HACKERS, k=51, error="k must be a whole number"),
    Ask("k-huge", HACKERS, k=10**12, error="k must be a whole number"),
    Ask("k-50-ok", HACKERS, k=50),
    Ask("k-text", HACKERS, k="abc", error="k must be a whole number", by_layer={"cli": "invalid int value"}),
    Ask("k-fraction", HACKERS, k=2.5, error="k must be a whole number", by_layer={"cli": "invalid int value"}),
    Ask("k-none", HACKERS, k=None, error="k must be a whole number", layers=("api", "web")),
    # speakers
    Ask("speaker-unknown", HACKERS, speaker="Nobody McNobody", error="no speaker in the index matches"),
    Ask("speaker-script", HACKERS, speaker="<script>alert(1)</script>", error="no speaker in the index matches"),
    Ask("speaker-regex", HACKERS, speaker=".*", error="no speaker in the index matches"),
    # control characters in a speaker filter become spaces, as in a question (issue 12): "Putin\x00" is Putin
    Ask("speaker-nul", HACKERS, speaker="Putin\x00"),
    Ask("speaker-not-text", HACKERS, speaker=42, error="speaker", layers=("api", "web")),
    Ask("speaker-empty", HACKERS, speaker="", error="speaker filter is empty", by_layer={"web": ANSWER}),
    Ask("speaker-lowercase-ok", HACKERS, speaker="putin"),
    # issue 12: limits that are limits, the same in every layer; numpy integers; speakers cleaned like questions
    Ask("1mb-question", "hackers " * 125_000, error="the limit is 2,000"),
    Ask("question-nfd", "What did Pu\u0301tin say about hackers?"),
    Ask("question-mixed-script", "What did \u0420utin say about hackers?"),  # Cyrillic Р
    Ask("question-hangul-filler", "\u3164\u3164 \u2800", error="empty"),
    Ask("k-numpy-int64", HACKERS, k=_numpy_int(5), layers=("api",)),
    Ask("k-numpy-int32-over", HACKERS, k=_numpy_int(51, "int32"), error="k must be a whole number", layers=("api",)),
    Ask("k-numpy-bool", HACKERS, k=_numpy_bool(), error="k must be a whole number", layers=("api",)),
    Ask("k-true", HACKERS, k=True, error="k must be a whole number", layers=("api",)),
    Ask("speaker-10k-chars", HACKERS, speaker="x" * 10_000, error="the limit is 200"),
    Ask("speaker-1mb", HACKERS, speaker="\x1b[2J" + "x" * 1_000_000, error="the limit is 200", layers=("api", "web")),
    Ask("speaker-201-chars", HACKERS, speaker="P" * 201, error="201 characters long; the limit is 200"),
    Ask("speaker-bidi", HACKERS, speaker="\u202ePutin\u202c"),
    Ask("speaker-zero-width-only", HACKERS, speaker="\u200b\u200d", error="speaker filter is empty"),
    Ask("speaker-escapes", HACKERS, speaker="\x1b]0;pwned\x07Nobody\x1b[2J", error="no speaker in the index matches"),
]


# ----------------------------------------------------------------------------------------------------------------
# Upload cases
# ----------------------------------------------------------------------------------------------------------------

XSS_ARTICLE = """# Hostile markup <script>alert('title')</script>

date 2017-06-05

The minister said the server room was sealed. <script>window.__pwned=1</script> Nobody was hurt.

A picture followed: <img src=x onerror="window.__pwned=1"> and then the caption ended.

Readers were told to [click here](javascript:window.__pwned=1) for the full report.

The chart was embedded as ![chart](http://127.0.0.1:9/x.png) in the original story.

"We will <b>never</b> comment on <iframe src=javascript:alert(1)></iframe> leaks," the spokesman said.

An HTML comment <!-- hidden --> and an autolink <http://example.com> closed the page $$x^2$$ here.
"""

ESCAPES_ARTICLE = (
    "The engineer said the \x1b[31mred\x1b[0m light came on.\x07 The bell rang\x08 twice.\n\n"
    "\x1b]0;pwned\x07A window title was changed by the attacker, the report said.\r\n"
)


@dataclass(frozen=True)
class Upload:
    """Hostile uploads: ``files`` are (relative path, bytes); ``paths`` are how the layer is handed them (relative to
    the upload folder, may contain ``..``); ``error`` None means the build must succeed."""

    id: str
    files: tuple[tuple[str, bytes], ...] = ()
    paths: tuple[str, ...] | None = None
    pasted: str = ""
    title: str = ""
    error: str | None = ANSWER
    layers: tuple[str, ...] = ("api", "cli", "ui")
    question: str = "What happened?"
    expect_ids: tuple[str, ...] = ()
    expect_in_passages: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    """(relative path, target) symbolic links made beside the files (special files: ``/dev/zero``…)."""
    fifos: tuple[str, ...] = ()
    """relative paths of FIFOs (named pipes) made beside the files"""
    folders: tuple[str, ...] = ()
    """relative paths of empty folders made beside the files"""
    expect_dates: tuple[tuple[str, str | None], ...] = ()
    """(document id, date or None) the built index must hold"""


def _many(n: int) -> tuple[tuple[str, bytes], ...]:
    return tuple(
        (f"many/note-{i:03d}.txt", f"Clerk {i} said the harbour gate number {i} opened at dawn.\n".encode())
        for i in range(n)
    )


LONG_STEM = "n" * 251  # a 255-byte file name with ".txt"


# Issue 12: special files, limits for every way in, dates, invisible texts, names that must not collide silently.
PEOPLE = b"The mayor said the bridge opened. The clerk said the port closed."
ISSUE_12_UPLOADS: list[Upload] = [
    # special files: refused before reading (never read /dev/zero until memory runs out, never hang on a FIFO)
    Upload("symlink-to-dev-zero", links=(("zero.txt", "/dev/zero"),), paths=("zero.txt",), error="is a device",
           layers=("api", "cli")),
    Upload("dev-zero-inside-a-folder", (("dir/good.txt", PEOPLE),), links=(("dir/zero.txt", "/dev/zero"),),
           paths=("dir",), error="is a device", layers=("api", "cli")),
    Upload("fifo-named-txt", fifos=("pipe.txt",), paths=("pipe.txt",), error="FIFO", layers=("api", "cli")),
    Upload("fifo-inside-a-folder", (("dir/good.txt", PEOPLE),), fifos=("dir/pipe.md",), paths=("dir",),
           error="FIFO", layers=("api", "cli")),
    Upload("broken-symlink", links=(("gone.txt", "/nonexistent/assistant-hostile"),), paths=("gone.txt",),
           error="broken link", layers=("api", "cli")),
    Upload("symlink-loop", links=(("a.txt", "b.txt"), ("b.txt", "a.txt")), paths=("a.txt",), error="cannot be read",
           layers=("api", "cli")),
    Upload("folder-without-texts", folders=("empty.txt",), paths=("empty.txt",), error="holds no source files",
           layers=("api", "cli")),
    Upload("hidden-files-skipped", (("dir/good.txt", PEOPLE), ("dir/._good.txt", b"\x00\x05\x16\x07Mac"),
                                    ("dir/.git/notes.txt", b"\xff\xfe")),
           paths=("dir",), layers=("api", "cli"), expect_ids=("good",), question="What did the mayor say?",
           expect_in_passages="bridge"),
    Upload("symlink-to-a-text", (("real/story.txt", PEOPLE),), links=(("link.txt", "real/story.txt"),),
           paths=("link.txt",), layers=("api", "cli"), expect_ids=("link",), question="What did the clerk say?",
           expect_in_passages="port"),
    # limits: the same numbers for every way in, checked before the work starts
    Upload("too-many-sentences", (("dots.txt", b"a. " * 100_001),), error="sentences"),
    Upload("too-many-files-per-build", _many(1_001), error="1,001 files were given; the limit is 1,000",
           layers=("api", "cli")),
    Upload("too-many-bytes-per-build", tuple((f"big-{i}.txt", b"word " * 900_000) for i in range(5)),
           error="bytes per build", layers=("api", "cli")),
    Upload("pasted-over-the-file-limit", pasted="a " * 2_500_001, title="big", layers=("ui",), error="limit"),
    Upload("pasted-invisible-only", pasted="\u200b\u200d\u2060\ufeff\u202e", title="ghost", layers=("ui",),
           error="empty"),
    # dates: impossible or absurd ones are not dates (the line stays text)
    Upload("impossible-date", (("feb.txt", b"date 2017-02-31\n\nThe mayor said the bridge opened."),),
           expect_ids=("feb",), expect_dates=(("feb", None),), question="What opened?", expect_in_passages="bridge"),
    Upload("far-future-date", (("future.txt", b"date 9999-12-31\n\nThe mayor said the bridge opened."),),
           expect_ids=("future",), expect_dates=(("future", None),), question="What opened?",
           expect_in_passages="bridge"),
    Upload("real-leap-day", (("leap.txt", b"date 2016-02-29\n\nThe mayor said the bridge opened."),),
           expect_ids=("leap",), expect_dates=(("leap", "2016-02-29"),), question="What opened?",
           expect_in_passages="bridge"),
    # invisible-only texts are refused like empty ones
    Upload("zero-width-only", (("zw.txt", "\u200b\u200c\u200d\u2060\ufeff \n".encode()),), error="empty"),
    Upload("bidi-controls-only", (("bidi.txt", "\u202e\u202d\u2066\u2069\u200f".encode()),), error="empty"),
    Upload("blank-looking-letters", (("blank.txt", "\u3164\u115f\u2800\u3000".encode()),), error="empty"),
    # names that give the same id: both texts kept, under different ids
    Upload("slug-collision", (("my-report.txt", b"The mayor said the budget grew."),
                              ("my report.txt", b"The clerk said the budget shrank.")),
           expect_ids=("my-report", "my-report-2"), question="What did the clerk say about the budget?",
           expect_in_passages="shrank"),
    Upload("case-collision", (("Report.txt", b"The mayor said the budget grew."),
                              ("report.txt", b"The clerk said the budget shrank.")),
           expect_ids=("Report", "report-2"), question="What did the clerk say about the budget?",
           expect_in_passages="shrank"),
    Upload("nfc-nfd-collision", (("caf\u00e9.txt".encode().decode(), b"The mayor said the cafe opened."),
                                 ("cafe\u0301.txt", b"The clerk said the cafe closed.")),
           expect_ids=("caf\u00e9", "caf\u00e9-2"), question="What did the clerk say about the cafe?",
           expect_in_passages="closed"),
    Upload("mixed-script-names", (("Putin.txt", b"The mayor said the bridge opened."),
                                  ("\u0420utin.txt", b"The clerk said the port closed.")),
           expect_ids=("Putin", "\u0420utin"), question="What did the clerk say?", expect_in_passages="port"),
    Upload("zero-width-and-bidi-in-name", (("Pu\u200dtin\u200b-\u202enotes\u202c.txt", PEOPLE),),
           expect_ids=("Putin-notes",), question="What did the mayor say?", expect_in_passages="bridge"),
    Upload("fullwidth-name", (("\uff32\uff45\uff50\uff4f\uff52\uff54.txt", PEOPLE),), expect_ids=("Report",),
           question="What did the mayor say?", expect_in_passages="bridge"),
    Upload("very-long-multibyte-name", (("\u0436" * 125 + ".txt", PEOPLE),), expect_ids=("\u0436" * 50,),
           question="What did the mayor say?", expect_in_passages="bridge"),
    # bytes and line ends
    Upload("nul-after-8000-bytes", (("late-nul.txt", PEOPLE + b" " + b"The clerk said more. " * 400 + b"x\x00y."),),
           expect_ids=("late-nul",), question="What did the mayor say?", expect_in_passages="bridge"),
    Upload("cr-only-line-ends", (("mac.txt", b"The clerk said the port closed.\rIt reopened later.\r\rThe end."),),
           expect_ids=("mac",), question="What closed?", expect_in_passages="port"),
    Upload("bom-in-the-middle", (("joined.txt", "\ufeffThe clerk said one.\n\ufeffThe mayor said the bridge "
                                                "opened.\n".encode()),),
           expect_ids=("joined",), question="What opened?", expect_in_passages="bridge"),
    Upload("utf16-with-bom", (("u16.txt", "The mayor said hello.".encode("utf-16")),), error="UTF-16"),
    Upload("huge-line", (("line.txt", b"The mayor said " + b"word " * 20_000 + b"end."),), expect_ids=("line",),
           question="What did the mayor say?"),
    Upload("unicode-separators", (("seps.txt", "The clerk said the port closed.\u2029The mayor said the bridge "
                                               "opened.\u2028It was late.".encode()),),
           expect_ids=("seps",), question="What opened?", expect_in_passages="bridge"),
]

UPLOAD_CASES: list[Upload] = [
    Upload("empty-file", (("empty.txt", b""),), error="empty"),
    Upload("whitespace-file", (("blank.md", b" \n\t\r\n \n"),), error="empty"),
    Upload("date-header-only", (("dated.txt", b"date 2017-06-05\n\n"),), error="empty"),
    Upload("binary-png", (("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),), error="binary"),
    Upload("utf16-text", (("utf16.txt", "Putin said hello.".encode("utf-16")),), error="UTF-8"),
    Upload("random-bytes", (("noise.txt", bytes(range(128, 256)) * 4),), error="not valid UTF-8"),
    Upload("utf8-surrogate-bytes", (("cesu.txt", b"Putin said \xed\xa0\x80 hello."),), error="not valid UTF-8"),
    Upload("latin-1", (("latin.txt", "Café Müller sagte: «Bonjour».".encode("latin-1")),), error="not valid UTF-8"),
    Upload("huge-file", (("huge.txt", b"a " * 2_500_001),), error="limit"),
    Upload("wrong-extension", (("payload.exe", b"<script>alert(1)</script> text."),), error="not a supported"),
    Upload("html-without-a-page", (("payload.html", b"<script>alert(1)</script> text."),), error="HTML"),
    Upload("one-bad-among-good", (("good.txt", b"The mayor said the bridge opened."), ("bad.txt", b"\xff\xfe\x00")),
           error="binary"),
    Upload("too-many-files", _many(501), error="limit", layers=("ui",)),
    Upload("dotdot-name", (("up/x.txt", b"The mayor said the bridge to the island opened today."),),
           paths=("up/a/b/../../x.txt",), expect_ids=("x",), question="What did the mayor say about the bridge?",
           expect_in_passages="bridge"),
    Upload("backslash-dotdot-name", (("..\\..\\y.txt", b"The mayor said the tunnel opened today."),),
           expect_ids=("y",), question="What opened today?", expect_in_passages="tunnel"),
    Upload("html-file-name", (("<img src=x onerror=alert(1)>.txt", b"The mayor said the ferry was late."),),
           expect_ids=("img-src-x-onerror-alert-1",), question="What was late?", expect_in_passages="ferry"),
    Upload("xss-article", (("hostile.md", XSS_ARTICLE.encode()),), expect_ids=("hostile",),
           question="What did the script in the server room do?", expect_in_passages="<script>"),
    Upload("escape-sequences", (("escapes.txt", ESCAPES_ARTICLE.encode()),), expect_ids=("escapes",),
           question="What did the engineer say about the red light?", expect_in_passages="red"),
    Upload("crlf-and-bom", (("windows.txt", "\ufeffThe clerk said the port closed.\r\n\r\nIt reopened later.\r".encode()),),
           expect_ids=("windows",), question="What closed?", expect_in_passages="port"),
    Upload("punctuation-only", (("dots.txt", b"... !!! ??? --- ***"),)),
    Upload("three-hundred-files", _many(300), expect_ids=tuple(f"note-{i:03d}" for i in range(300)),
           question="When did gate number 217 open?", expect_in_passages="217"),
    Upload("long-name-collision", ((f"a/{LONG_STEM}.txt", b"The clerk said one."), (f"b/{LONG_STEM}.txt", b"The clerk said two.")),
           paths=(f"a/{LONG_STEM}.txt", f"b/{LONG_STEM}.txt"), question="What did the clerk say?"),
    Upload("pasted-traversal-title", pasted="The mayor said the pier reopened.", title="../../../etc/evil",
           layers=("ui",), expect_ids=("etc-evil",), question="What reopened?", expect_in_passages="pier"),
    Upload("pasted-long-title", pasted="The mayor said the market reopened.", title="t" * 300, layers=("ui",),
           question="What reopened?", expect_in_passages="market"),
    Upload("pasted-control-chars", pasted="The engineer said the \x1b[31mred\x1b[0m light\x00 came on.\x07",
           title="pasted-escapes", layers=("ui",), expect_ids=("pasted-escapes",),
           question="What did the engineer say?", expect_in_passages="red"),
    Upload("pasted-lone-surrogate", pasted="The mayor said the \ud800 canal froze.", title="surrogate",
           layers=("ui",), question="What froze?", expect_in_passages="canal"),
    Upload("pasted-xss", pasted=XSS_ARTICLE, title="<script>alert(1)</script>", layers=("ui",),
           expect_ids=("script-alert-1-script",), question="What did the script in the server room do?",
           expect_in_passages="<script>"),
    *ISSUE_12_UPLOADS,
]


def write_uploads(case: Upload, folder: Path) -> list[Path]:
    """Write the case's files under ``folder``; return the paths as the layer receives them (``..`` kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    for relative, data in case.files:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for relative, target in case.links:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target if target.startswith("/") else os.path.relpath(folder / target, path.parent))
    for relative in case.fifos:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(folder / relative)
    for relative in case.folders:
        (folder / relative).mkdir(parents=True, exist_ok=True)
    if case.paths is None:
        return [folder / relative for relative, _ in case.files]
    paths = []
    for relative in case.paths:
        parts = Path(relative).parts
        lexical = parts[: parts.index("..")] if ".." in parts else parts[:-1]
        folder.joinpath(*lexical).mkdir(parents=True, exist_ok=True)  # so that the OS can resolve the ".."
        paths.append(Path(str(folder) + "/" + relative))
    return paths


# ----------------------------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------------------------

def tree_digest(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` (relative path → sha256, or "dir")."""
    digest: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            digest[key] = "link:" + os.readlink(path)  # never follow: it may point at /dev/zero
        elif path.is_dir():
            digest[key] = "dir"
        elif path.is_file():
            digest[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            digest[key] = "special"  # a FIFO or a socket: never opened
    return digest


def check_one_line_message(message: str, fragment: str) -> None:
    assert fragment in message, f"expected {fragment!r} in {message!r}"
    assert "Traceback" not in message and "\n" not in message.strip(), message
    assert len(message) < 600, message[:600]
    unsafe = [ch for ch in message.strip() if unicodedata.category(ch) == "Cc" or ch in "\u202a\u202b\u202d\u202e\u2066\u2067"]
    assert not unsafe, f"control or bidi characters in the message: {message!r}"


def check_answer(answer: dict[str, Any], texts: dict[str, str], k: int) -> None:
    """A valid Answer object: the contract's keys, 1..k passages, each text exactly document[start:end]."""
    assert set(answer) == {"question", "answer", "found", "passages"}, set(answer)
    assert isinstance(answer["found"], bool)
    assert isinstance(answer["answer"], str) and answer["answer"]
    passages = answer["passages"]
    assert 1 <= len(passages) <= k, len(passages)
    scores = [p["score"] for p in passages]
    assert all(isinstance(s, float | int) and math.isfinite(s) for s in scores)
    assert scores == sorted(scores, reverse=True), scores
    for rank, p in enumerate(passages, start=1):
        assert p["rank"] == rank
        assert p["doc_id"] in texts, p["doc_id"]
        assert texts[p["doc_id"]][p["start"] : p["end"]] == p["text"], p
        assert p["text"] and p["text"] == p["text"].strip()
        assert p["attribution"] in ("direct", "indirect", "narration")
        assert (p["speaker"] is None) == (p["attribution"] == "narration"), p
        assert p["paragraph"] >= 1 and p["sentence"] >= 1
        assert set(p["context"]) == {"before", "after"}
    check_inert_markdown(answer["answer"])


LIVE_TAG = re.compile(r"<\s*(script|img|iframe|svg|a|style|object|embed|link|meta|b|math|video|audio)\b", re.I)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def html_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def render_markdown(text: str) -> str:
    """CommonMark with raw HTML allowed, as a chat would render it before sanitising."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(text)


def check_inert_markdown(text: str) -> None:
    """The markdown renders without any live tag: no script, image, link, frame; only text formatting."""
    rendered = render_markdown(text)
    allowed = {"p", "strong", "em", "br", "code"}
    tags = html_tags(rendered)
    assert {t for t, _ in tags} <= allowed, (sorted({t for t, _ in tags} - allowed), rendered[:500])
    assert not LIVE_TAG.search(rendered), rendered[:500]
    assert not re.search(r"(?<!\\)!\[", text), "a live markdown image"
    assert not re.search(r"(?<!\\)<\s*script", text, re.I), "an unescaped <script"


def check_inert_html(html: str, allowed: set[str]) -> None:
    """HTML built by the UI: only its own tags, no event handlers, no links or sources."""
    for tag, attrs in html_tags(html):
        assert tag in allowed, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("href", "src", "srcset", "style", "action", "formaction"), (tag, name, value)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)


# ----------------------------------------------------------------------------------------------------------------
# The app in its own process
# ----------------------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(index_dir: Path, timeout: float = 180, cwd: Path | None = None) -> Iterator[str]:
    """``python -m assistant serve --index DIR`` on a free loopback port; yields its URL."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--index", str(index_dir), "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, text=True, cwd=cwd,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"app exited: {log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"app did not serve a page within {timeout} s") from None
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


def raw_api_call(url: str, api_name: str, data: list[Any], timeout: float = 120) -> dict[str, Any]:
    """Call a Gradio API endpoint with plain HTTP and ASCII JSON (which can carry lone surrogates as escapes,
    unlike gradio_client's UTF-8 encoder). Returns {"data": ...} or {"error": message}."""
    body = json.dumps({"data": data}, ensure_ascii=True).encode("ascii")
    request = urllib.request.Request(
        f"{url}gradio_api/call/{api_name}", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/{api_name}/{event_id}", timeout=timeout) as response:
        stream = response.read().decode("utf-8")
    event = None
    for line in stream.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event in ("complete", "error"):
            payload = json.loads(line.split(":", 1)[1].strip() or "null")
            if event == "complete":
                return {"data": payload}
            return {"error": payload if isinstance(payload, str) else json.dumps(payload)}
    raise AssertionError(f"no result in the event stream: {stream[:500]}")
