"""One exception type for every problem a user can fix; its message is a single clear sentence.

``printable`` makes any text (a file name, a path, a user's input) safe to put into such a message: it stays on one
line and cannot drive a terminal (no escape sequences, no newlines, no right-to-left overrides).
"""

from __future__ import annotations

import os
import unicodedata

# Format characters that reorder or hide text: bidirectional embeddings, overrides and isolates, marks.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class AssistantError(Exception):
    """A problem with the user's input, files or index. ``str(error)`` is shown as is (CLI: exit code 2)."""


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (a POSIX file name decoded with surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(ch: str) -> bool:
    """Characters that must not reach a terminal or a one-line message raw."""
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs", "Zl", "Zp", "Co", "Cn") or ch in BIDI_CONTROLS or (
        category == "Cf" and ch not in "\u200d"  # the zero-width joiner is kept: it builds emoji
    )


def printable(text: object, limit: int | None = 200) -> str:
    """``text`` (a str, a path or bytes) as one safe line: control characters, escape sequences, newlines, bidi
    controls and undecodable bytes become visible escapes (``\\x1b``, ``\\n``, ``\\u202e``, ``\\xff``).

    Longer than ``limit`` characters, it is cut (before escaping, so an escape is never split) and ends with
    ``…`` and the full length, e.g. ``aaaa…(10,000 characters)``. ``limit=None`` keeps it whole.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    elif isinstance(text, os.PathLike):
        text = os.fspath(text)
        if isinstance(text, bytes):
            text = text.decode("utf-8", "surrogateescape")
    elif not isinstance(text, str):
        text = repr(text)
    length = len(text)
    cut = limit is not None and length > limit
    if cut:
        text = text[:limit]
    if not text.isprintable() or any(ch in BIDI_CONTROLS for ch in text):
        text = "".join(_escape(ch) if _unsafe(ch) else ch for ch in text)
    if cut:
        text += f"…({length:,} characters)"
    return text


def os_error_line(error: OSError) -> str:
    """An OSError in plain words (disk full, permission denied, read-only), with the paths it names."""
    import errno

    reason = error.strerror or str(error) or type(error).__name__
    if error.errno == errno.ENOSPC:
        reason = "the disk is full (no space left on device)"
    elif error.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    elif error.errno == errno.EROFS:
        reason = "the file system is read-only"
    where = [printable(f) for f in (error.filename, getattr(error, "filename2", None)) if f is not None]
    return f"{reason}: {' -> '.join(where)}" if where else reason


def failure_line(error: BaseException) -> str:
    """Any failure as the one line the CLI, the build worker and the page show (never a traceback)."""
    if isinstance(error, AssistantError):
        return printable(str(error), 2000)
    if isinstance(error, OSError):
        return os_error_line(error)
    if isinstance(error, UnicodeError):
        return f"a file name, path or text is not valid UTF-8 ({printable(str(error), 200)})."
    if isinstance(error, MemoryError):
        return "out of memory; try fewer or smaller texts."
    if "database or disk is full" in str(error):  # SQLite's OperationalError on a full disk
        return "the disk is full (no space left on device)."
    if isinstance(error, RecursionError):
        return "the input is nested too deeply to read."
    return f"unexpected {type(error).__name__}: {printable(str(error), 300)}"
