"""Which folder ``analyse --out`` may replace: only one it can prove it wrote, apart from its sources.

Issue 22: a folder that merely held a file named ``analysis.json`` was deleted whole (a thesis beside it, the
source texts themselves with ``--out texts``). Every run (local and Ray) now writes :data:`MARKER` into its output
and replaces an existing ``--out`` only when it holds that marker, ``analysis.json`` and ``documents/`` and
``sentences/`` of ``*.parquet`` parts, nothing else and no symbolic link; and never a folder that holds or lies
inside a source.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import AssistantError, printable

MARKER = ".article-assistant-analysis"
"""Written into every analysed folder this app makes: ``analyse --out`` replaces only a folder that holds it and
nothing this app does not write (issue 22: a folder that merely held an ``analysis.json`` was deleted whole)."""
OWN_ENTRIES = {MARKER: "file", "analysis.json": "file", "documents": "parquet", "sentences": "parquet"}
"""What an analysed folder of ours holds: the marker, the header, and two folders of ``*.parquet`` parts."""


def write_marker(directory: Path) -> None:
    """Mark ``directory`` as written by ``analyse`` (a later run may replace it)."""
    (directory / MARKER).write_text("Written by assistant analyse; the folder is replaced by the next run.\n",
                                    encoding="utf-8")


def _foreign_entry(out: Path) -> str | None:
    """The first thing in ``out`` that this app did not write (a link counts as foreign), or None."""
    try:
        entries = sorted(out.iterdir())
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    for entry in entries:
        kind = OWN_ENTRIES.get(entry.name)
        if kind is None or entry.is_symlink():
            return entry.name
        if kind == "file" and not entry.is_file():
            return entry.name
        if kind == "parquet":
            if not entry.is_dir():
                return entry.name
            for part in entry.iterdir():
                if part.is_symlink() or not part.is_file() or part.suffix != ".parquet":
                    return f"{entry.name}/{part.name}"
    return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out(out: Path, sources: Sequence[Path | str] = ()) -> None:
    """Refuse an ``--out`` that this run may not replace: a link, a folder holding or inside a source, anything
    that is not an analysed folder written by this app (its marker, its files and nothing else)."""
    out = Path(out)
    shown = printable(out)
    if out.is_symlink():
        raise AssistantError(f"{shown} is a symbolic link; --out must be a new folder or one analyse wrote.")
    target = Path(os.path.realpath(out))
    for source in sources:
        real = Path(os.path.realpath(source))
        if _inside(real, target) or _inside(target, real):
            raise AssistantError(
                f"--out {shown} holds or is inside the source {printable(source)}; choose a folder apart from the texts."
            )
    if not out.exists():
        return
    if not out.is_dir() or not (out / MARKER).is_file() or (out / MARKER).is_symlink():
        raise AssistantError(
            f"{shown} exists and is not an analysed folder written by assistant analyse; nothing was changed "
            "(choose a new folder for --out)."
        )
    foreign = _foreign_entry(out)
    if foreign is not None:
        raise AssistantError(
            f"{shown} holds {printable(foreign, 80)}, which assistant analyse did not write; nothing was changed "
            "(move it away or choose a new folder for --out)."
        )
