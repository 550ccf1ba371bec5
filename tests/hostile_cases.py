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
def running_app(index_dir: Path, timeout: float = 180, cwd: Path | None = None, log_path: Path | None = None) -> Iterator[str]:
    """``python -m assistant serve --index DIR`` on a free loopback port; yields its URL. ``log_path``: the file that
    gets the app's stdout and stderr (default: a temporary one)."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    log = open(log_path, "w+", encoding="utf-8") if log_path is not None else tempfile.TemporaryFile(mode="w+")
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


# ----------------------------------------------------------------------------------------------------------------
# Red-team cases (issue 22): hostile analysed forms for ``import`` and hostile ``analyse --out`` folders
# ----------------------------------------------------------------------------------------------------------------

FORM_TEXT = PEOPLE.decode()
"""The text of the written analysed forms: two sentences, each with a speaker."""
FORM_DIMENSION = 4


def form_tables(dimension: int = FORM_DIMENSION) -> tuple[dict[str, Any], dict[str, list], dict[str, list]]:
    """A valid analysed form as plain columns: (header, documents, sentences), for a case to spoil."""
    first = FORM_TEXT.index(".") + 1
    second = FORM_TEXT.index(" The clerk") + 1
    unit = [1.0] + [0.0] * (dimension - 1)
    header = {"format": "article-assistant-analysis", "format_version": 1, "model": "all-MiniLM-L6-v2",
              "dimension": dimension}
    documents = {"id": ["people"], "title": ["People"], "date": ["2024-03-05"], "source": ["people.txt"],
                 "text": [FORM_TEXT], "aliases": [None]}
    sentences = {"doc_id": ["people", "people"], "number": [1, 2], "start": [0, second], "end": [first, len(FORM_TEXT)],
                 "paragraph": [1, 1], "speaker": ["the mayor", "the clerk"], "attribution": ["indirect", "indirect"],
                 "vector": [unit, unit]}
    return header, documents, sentences


def write_form(folder: Path, header: dict[str, Any] | str, documents: Any, sentences: Any,
               types: dict[str, Any] | None = None) -> Path:
    """Write an analysed form (``documents``/``sentences``: column dicts or pyarrow tables) to ``folder``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (folder / "documents").mkdir(parents=True, exist_ok=True)
    (folder / "sentences").mkdir(parents=True, exist_ok=True)
    (folder / "analysis.json").write_text(header if isinstance(header, str) else json.dumps(header), encoding="utf-8")
    dimension = header["dimension"] if isinstance(header, dict) and isinstance(header.get("dimension"), int) else FORM_DIMENSION
    if isinstance(documents, dict):
        documents = pa.table(documents)
    if isinstance(sentences, dict):
        columns = dict(sentences)
        kinds = {"number": pa.int32(), "start": pa.int32(), "end": pa.int32(), "paragraph": pa.int32(), **(types or {})}
        arrays = {}
        for name, values in columns.items():
            if name == "vector":
                arrays[name] = pa.array(values, type=pa.list_(pa.float32(), dimension))
            else:
                arrays[name] = pa.array(values, type=kinds.get(name, pa.string()))
        sentences = pa.table(arrays)
    pq.write_table(documents, folder / "documents" / "part-00000.parquet", compression="zstd")
    pq.write_table(sentences, folder / "sentences" / "part-00000.parquet", compression="zstd")
    return folder


@dataclass(frozen=True)
class Import:
    """A hostile analysed form: ``spoil(header, documents, sentences)`` edits a valid one (or returns the tables to
    write instead); ``error`` is a fragment of the one-line message every import of it must give."""

    id: str
    spoil: Any
    error: str


def _set(table: dict[str, list], column: str, value: Any, row: int = 0) -> None:
    table[column][row] = value


def _big_text(header, documents, sentences):  # one text over the per-text limit, compressed to a few KB
    documents["text"] = ["a " * 3_000_000]


def _shared_huge_text(header, documents, sentences):  # 60 documents sharing one 4 MB text: 240 MB decoded
    import pyarrow as pa

    n = 60
    text = ("word " * 800_000)
    dictionary = pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int32()), pa.array([text]))
    ids = [f"d{i}" for i in range(n)]
    docs = pa.table({"id": ids, "title": ids, "date": [None] * n, "source": [""] * n, "text": dictionary,
                     "aliases": pa.array([None] * n, pa.string())})
    return {"documents": docs}


def _many_sentences(count: int, documents_count: int = 1):
    def spoil(header, documents, sentences):
        import numpy as np
        import pyarrow as pa

        per = count // documents_count
        ids = [f"d{i}" for i in range(documents_count)]
        text = "w. " * per
        docs = pa.table({"id": ids, "title": ids, "date": [None] * documents_count, "source": [""] * documents_count,
                         "text": [text] * documents_count, "aliases": pa.array([None] * documents_count, pa.string())})
        doc_id = pa.DictionaryArray.from_arrays(pa.array(np.repeat(np.arange(documents_count), per).astype(np.int32)),
                                                pa.array(ids)).cast(pa.string())
        number = np.tile(np.arange(1, per + 1, dtype=np.int32), documents_count)
        start = (number - 1) * 3
        flat = np.zeros((per * documents_count, FORM_DIMENSION), np.float32)
        flat[:, 0] = 1
        vectors = pa.FixedSizeListArray.from_arrays(pa.array(flat.reshape(-1)), FORM_DIMENSION)
        table = pa.table({"doc_id": doc_id, "number": number, "start": start, "end": start + 2,
                          "paragraph": np.ones(len(number), np.int32),
                          "speaker": pa.array([None] * len(number), pa.string()),
                          "attribution": pa.array(["narration"] * len(number)), "vector": vectors})
        return {"documents": docs, "sentences": table}
    return spoil


def _wide(column: str, value: int):
    def spoil(header, documents, sentences):
        import pyarrow as pa

        sentences[column] = [value if i == 0 else v for i, v in enumerate(sentences[column])]
        return {"types": {column: pa.int64()}}
    return spoil


def _header(text: str):
    def spoil(header, documents, sentences):
        return {"header": text}
    return spoil


IMPORT_CASES: list[Import] = [
    # sizes over the limits of texts (checked before decompressing)
    Import("text-over-5mb", _big_text, "limit is 5,000,000 bytes per text"),
    Import("shared-text-240mb", _shared_huge_text, "limit is 200,000,000 bytes per import"),
    Import("one-document-100001-sentences", _many_sentences(100_001), "100,000 per document"),
    Import("1000001-sentences", _many_sentences(1_000_002, 2), "1,000,000 per import"),
    # 64-bit values that int32 would wrap
    Import("end-2-to-the-32-plus-53", _wide("end", 2**32 + 53), "out of range"),
    Import("start-2-to-the-40", _wide("start", 2**40), "out of range"),
    Import("number-2-to-the-32-plus-1", _wide("number", 2**32 + 1), "out of range"),
    Import("paragraph-2-to-the-33", _wide("paragraph", 2**33), "out of range"),
    # ids outside the rule of file-name ids
    Import("id-10000-chars", lambda h, d, s: (_set(d, "id", "i" * 10_000), s.update(doc_id=["i" * 10_000] * 2)), "not a valid id"),
    Import("id-blank", lambda h, d, s: (_set(d, "id", "   "), s.update(doc_id=["   "] * 2)), "not a valid id"),
    Import("id-traversal", lambda h, d, s: (_set(d, "id", "../../x"), s.update(doc_id=["../../x"] * 2)), "not a valid id"),
    Import("id-nul", lambda h, d, s: (_set(d, "id", "a\x00b"), s.update(doc_id=["a\x00b"] * 2)), "not a valid id"),
    Import("id-newline", lambda h, d, s: (_set(d, "id", "a\nb"), s.update(doc_id=["a\nb"] * 2)), "not a valid id"),
    Import("id-terminal-escape", lambda h, d, s: (_set(d, "id", "x\x1b[2J"), s.update(doc_id=["x\x1b[2J"] * 2)), "not a valid id"),
    # control characters in texts, titles and speakers
    Import("text-terminal-escape", lambda h, d, s: _set(d, "text", FORM_TEXT.replace("The clerk", "\x1b]0;PWNED\x07The clerk")), "control character"),
    Import("text-nul", lambda h, d, s: _set(d, "text", FORM_TEXT.replace(" The clerk", "\x00The clerk")), "control character"),
    Import("title-clear-screen", lambda h, d, s: _set(d, "title", "News\x1b[2J"), "control character"),
    Import("speaker-escape", lambda h, d, s: _set(s, "speaker", "Evil\x1b[2J"), "control character"),
    Import("alias-escape", lambda h, d, s: _set(d, "aliases", json.dumps({"the mayor": ["\x1b]0;PWNED\x07"]})), "aliases"),
    # dates outside the CLI's range
    Import("date-0001", lambda h, d, s: _set(d, "date", "0001-01-01"), "invalid date"),
    Import("date-9999", lambda h, d, s: _set(d, "date", "9999-12-31"), "invalid date"),
    # attribution inconsistent with speaker
    Import("narration-with-speaker", lambda h, d, s: _set(s, "attribution", "narration"), "narration has none"),
    Import("direct-without-speaker", lambda h, d, s: (_set(s, "attribution", "direct"), _set(s, "speaker", None)), "direct and indirect"),
    # unreadable headers and JSON
    Import("nested-json-header", _header("[" * 100_000 + "]" * 100_000), "not readable JSON"),
    Import("5000-digit-dimension", _header('{"format": "article-assistant-analysis", "format_version": 1, "model": "m", "dimension": ' + "9" * 5000 + "}"), "not readable JSON"),
    Import("huge-dimension", _header('{"format": "article-assistant-analysis", "format_version": 1, "model": "m", "dimension": 1000000000}'), "no valid dimension"),
    Import("nested-json-aliases", lambda h, d, s: _set(d, "aliases", "[" * 100_000 + "]" * 100_000), "aliases"),
]


def write_import_case(case: Import, folder: Path) -> Path:
    """The analysed form of ``case``, written to ``folder``: ``spoil`` edits the columns in place, or returns a dict
    of what to write instead (``header``, ``documents``, ``sentences`` tables, column ``types``)."""
    header, documents, sentences = form_tables()
    instead = case.spoil(header, documents, sentences)
    instead = instead if isinstance(instead, dict) else {}
    return write_form(folder, instead.get("header", header), instead.get("documents", documents),
                      instead.get("sentences", sentences), instead.get("types"))


@dataclass(frozen=True)
class Out:
    """A hostile ``analyse --out``: ``setup(root)`` makes the sources and returns (sources, out); every run must
    refuse it with ``error`` before any work, leaving ``root`` byte for byte as it was."""

    id: str
    setup: Any
    error: str


def _sources(root: Path) -> Path:
    texts = root / "texts"
    texts.mkdir(exist_ok=True)
    (texts / "people.txt").write_bytes(PEOPLE)
    return texts


def _thesis(root: Path):
    out = root / "w"
    out.mkdir()
    (out / "analysis.json").write_text("{}")
    (out / "thesis.txt").write_text("years of work")
    return [_sources(root)], out


def _ours_plus_foreign(root: Path):
    out = root / "analysed"
    header, documents, sentences = form_tables()
    write_form(out, header, documents, sentences)
    (out / ".article-assistant-analysis").write_text("ours")
    (out / "notes.txt").write_text("mine")
    return [_sources(root)], out


def _link_out(root: Path):
    target = root / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    (root / "out").symlink_to(target)
    return [_sources(root)], root / "out"


def _link_inside(root: Path):
    out = root / "analysed"
    header, documents, sentences = form_tables()
    write_form(out, header, documents, sentences)
    (out / ".article-assistant-analysis").write_text("ours")
    (root / "precious").mkdir()
    (root / "precious" / "p.parquet").write_text("x")
    (out / "documents" / "part-00001.parquet").symlink_to(root / "precious" / "p.parquet")
    return [_sources(root)], out


OUT_CASES: list[Out] = [
    # folders the run did not write
    Out("analysis-json-and-a-thesis", _thesis, "not an analysed folder written by assistant analyse"),
    Out("ours-plus-a-foreign-file", _ours_plus_foreign, "notes.txt"),
    Out("out-is-the-sources", lambda root: ([_sources(root)], root / "texts"), "holds or is inside the source"),
    Out("out-inside-the-sources", lambda root: ([_sources(root)], root / "texts" / "analysed"), "holds or is inside the source"),
    Out("out-holds-the-sources", lambda root: ([_sources(root)], root), "holds or is inside the source"),
    Out("out-is-a-link", _link_out, "symbolic link"),
    Out("a-link-inside-out", _link_inside, "did not write"),
]
