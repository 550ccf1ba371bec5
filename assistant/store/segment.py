"""One immutable segment: some documents, their sentences, vectors, BM25 postings and (when large) an ANN index.

Files of ``segments/<name>/``::

    documents.sqlite   documents (ord, id, title, date, source, text, aliases, sha256, analysis, first_row, sentences,
                       url, author: segments written before these two were added lack them and read as null)
                       and doc_speakers (ord, name, sentences, direct, indirect)
    sentences.npy      int32 rows: doc ord, number, start, end, paragraph, speaker code (-1 narration), attribution
    speakers.json      speaker code → canonical name
    vectors.npy        float32 sentence vectors ("title: sentence", L2-normalised): stored once, memory-mapped
    bm25/              postings of each sentence's text           (store/bm25.py)
    bm25-window/       postings of each sentence's window: itself and its neighbours in the paragraph
    ann.faiss          IVF over the dense part of the score (ann_factory: 4-bit fast-scan product codes; segments
                       written before 2026-12-02 hold 8-bit scalar codes), only in large segments

A segment never changes once written; deletions are marks in the manifest until a merge rewrites the survivors.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AssistantError, printable

from ..pipeline.analysed import ATTRIBUTIONS, Analysed, DocRecord
from ..digest import sha256_file
from . import bm25

CONTEXT_WEIGHT = 0.5
"""Weight of a sentence's window beside the sentence itself (dense and lexical alike; see search/retrieval.py),
for a new index. Tuned on ReQA SQuAD (docs/retrieval.md). It shapes stored data: a large segment's IVF holds
``v + w · window(v)``, so the weight is recorded in the manifest (``context_weight``), every segment of an index is
written and read with its index's weight, and retrieval reads it from the snapshot, never from here."""
ANN_MIN_SENTENCES = 50_000
"""Segments at least this large get an ANN index; smaller ones are scanned exactly (measured: README, scale)."""
ANN_TRAINING_SAMPLE = 100_000
"""Vectors an ANN index is trained on (a seeded sample): ~100 a list for the coarse k-means at 1M sentences, and
far more than the 16 centroids of each 4-bit sub-quantizer need; training and adding took 12 s at 1M."""
COLUMNS = ("doc", "number", "start", "end", "paragraph", "speaker", "attribution")
RELEASE_EVERY = 64
"""Questions between two releases of a large segment's mapped pages (Segment.answered)."""

_scratch = threading.local()


def _vector_scratch(rows: int, dimension: int) -> np.ndarray:
    """A float32 ``(rows, dimension)`` array for this thread, reused from question to question (``dense_scores``):
    a new one of a question's ~1,000 vectors (1.5 MB) is fresh pages from the system on every question, and their
    faults took 0.07–0.3 ms of the ~0.7 ms read at 1M sentences (docs/speed.md). Grown when too small, never shrunk."""
    kept = getattr(_scratch, "vectors", None)
    if kept is None or kept.shape[1] != dimension or kept.shape[0] < rows:
        kept = _scratch.vectors = np.empty((max(rows, 2 * (0 if kept is None else kept.shape[0]), 1024), dimension),
                                           dtype=np.float32)
    return kept[:rows]


def window_neighbours(doc: np.ndarray, paragraph: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the row before and after it in the same paragraph of the same document (itself at an edge)."""
    n = len(doc)
    rows = np.arange(n)
    same = np.zeros(n, dtype=bool)
    if n > 1:
        same[1:] = (doc[1:] == doc[:-1]) & (paragraph[1:] == paragraph[:-1])
    before = np.where(same, rows - 1, rows)
    after = rows.copy()
    after[:-1] = np.where(same[1:], rows[1:], rows[:-1]) if n > 1 else after[:-1]
    return before, after


def window_vectors(vectors: np.ndarray, before: np.ndarray, after: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The normalised sum of each row's vector and its in-paragraph neighbours' (each counted once)."""
    rows = np.arange(len(before)) if rows is None else rows
    total = np.asarray(vectors[rows], dtype=np.float32).copy()
    b, a = before[rows], after[rows]
    has_b, has_a = b != rows, a != rows
    if has_b.any():
        total[has_b] += vectors[b[has_b]]
    if has_a.any():
        total[has_a] += vectors[a[has_a]]
    norms = np.linalg.norm(total, axis=1, keepdims=True)
    return np.divide(total, norms, out=np.zeros_like(total), where=norms > 0).astype(np.float32)


def dense_vectors(
    vectors: np.ndarray, before: np.ndarray, after: np.ndarray, rows: np.ndarray | None = None,
    context_weight: float = CONTEXT_WEIGHT,
) -> np.ndarray:
    """``v + context_weight · window(v)``: the dense part of the score is one inner product with these."""
    rows = np.arange(len(before)) if rows is None else rows
    return np.asarray(vectors[rows], dtype=np.float32) + context_weight * window_vectors(vectors, before, after, rows)


def file_table(directory: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every file of a segment (what the manifest records and ``verify`` checks)."""
    return {
        str(p.relative_to(directory)): {"size": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def ann_lists(n: int) -> int:
    """IVF lists for ``n`` vectors: about 1,000 vectors a list, at least 16."""
    return max(16, min(4096, n // 1000))


def ann_factory(n: int, dimension: int) -> str:
    """The ANN index of a large segment, as a faiss factory string: IVF lists (``ann_lists``) over 4-bit product
    codes scanned with SIMD ("fast scan"), one sub-quantizer per 4 dimensions (fewer when the dimension does not
    divide by 4). The ANN only proposes candidates; retrieval then scores them exactly from the stored vectors, so
    coarse codes cost nothing in the ranking as long as the right rows are among the proposed ones. Measured on the
    1M-sentence scale index (docs/speed.md): against the 8-bit scalar quantizer used before (IVF, 24 lists
    searched), a question went from 12.9 to 9.2 ms p50 and MRR@20 from 0.879 to 0.883 (48 lists searched:
    ``search.retrieval.NPROBE``); the codes are 48 bytes a vector instead of 384."""
    step = next(k for k in (4, 2, 1) if dimension % k == 0)
    return f"IVF{ann_lists(n)},PQ{dimension // step}x4fs"


def write(
    analysed: Analysed, directory: Path, analysis_keys: list[str], hashes: list[str], context_weight: float = CONTEXT_WEIGHT,
) -> str | None:
    """Write ``analysed`` as a segment into the new, empty ``directory``; returns its ANN index's faiss factory
    string (``ann_factory``), or None for a segment scanned exactly (the manifest records it)."""
    import faiss

    directory.mkdir(parents=True)
    n = analysed.size
    table = np.stack(
        [analysed.doc, analysed.number, analysed.start, analysed.end, analysed.paragraph, analysed.speaker,
         analysed.attribution.astype(np.int32)],
        axis=1,
    ).astype(np.int32) if n else np.zeros((0, len(COLUMNS)), np.int32)
    np.save(directory / "sentences.npy", table)
    np.save(directory / "vectors.npy", np.ascontiguousarray(analysed.vectors, dtype=np.float32))
    (directory / "speakers.json").write_text(json.dumps(analysed.speaker_names, ensure_ascii=False), encoding="utf-8")
    _write_documents(analysed, directory / "documents.sqlite", analysis_keys, hashes)

    texts = analysed.documents
    plain = [texts[d].text[s:e] for d, s, e in zip(analysed.doc.tolist(), analysed.start.tolist(), analysed.end.tolist())]
    tokenized = bm25.Tokenized.of(plain)
    bm25.write_postings(tokenized, directory / "bm25")
    before, after = window_neighbours(analysed.doc, analysed.paragraph)
    bm25.write_postings(tokenized, directory / "bm25-window", neighbours=(before, after))

    if n >= ANN_MIN_SENTENCES:
        dense = dense_vectors(analysed.vectors, before, after, context_weight=context_weight)
        factory = ann_factory(n, dense.shape[1])
        index = faiss.index_factory(dense.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        index.train(dense[rng.choice(n, size=min(n, ANN_TRAINING_SAMPLE), replace=False)])
        index.add(dense)
        faiss.write_index(index, str(directory / "ann.faiss"))
        return factory
    return None


def _write_documents(analysed: Analysed, path: Path, analysis_keys: list[str], hashes: list[str]) -> None:
    rows = analysed.document_rows()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute(
            "CREATE TABLE documents (ord INTEGER PRIMARY KEY, id TEXT NOT NULL, title TEXT, date TEXT, source TEXT, "
            "text TEXT NOT NULL, aliases TEXT, sha256 TEXT, analysis TEXT, first_row INTEGER, sentences INTEGER, "
            "url TEXT, author TEXT)"
        )
        con.execute("CREATE TABLE doc_speakers (ord INTEGER, name TEXT, sentences INTEGER, direct INTEGER, indirect INTEGER)")
        con.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (i, d.id, d.title, d.date, d.source, d.text, json.dumps(d.aliases, ensure_ascii=False),
                 hashes[i], analysis_keys[i], lo, hi - lo, d.url, d.author)
                for i, (d, (lo, hi)) in enumerate(zip(analysed.documents, rows))
            ],
        )
        speaker_rows = []
        direct, indirect = ATTRIBUTIONS.index("direct"), ATTRIBUTIONS.index("indirect")
        for i, (lo, hi) in enumerate(rows):
            codes = analysed.speaker[lo:hi]
            kinds = analysed.attribution[lo:hi]
            for code in np.unique(codes[codes >= 0]).tolist():
                mine = codes == code
                speaker_rows.append(
                    (i, analysed.speaker_names[code], int(mine.sum()), int((mine & (kinds == direct)).sum()),
                     int((mine & (kinds == indirect)).sum()))
                )
        con.executemany("INSERT INTO doc_speakers VALUES (?,?,?,?,?)", speaker_rows)
        con.execute("CREATE INDEX doc_id ON documents (id)")
        con.commit()
    finally:
        con.close()


@dataclass(frozen=True)
class StoredDocumentRow:
    """A document's row in a segment (no text: listing a big index stays cheap)."""

    ord: int
    id: str
    title: str
    date: str | None
    source: str
    sha256: str
    analysis: str
    first_row: int
    sentences: int
    url: str | None = None
    author: str | None = None


class Segment:
    """An opened segment: arrays memory-mapped, documents read from SQLite on demand (a few cached)."""

    def __init__(self, directory: Path, context_weight: float = CONTEXT_WEIGHT) -> None:
        import faiss

        self.directory = directory
        self.context_weight = context_weight  # the index's recorded weight (manifest), which its IVF was built with
        self.name = directory.name
        table = np.load(directory / "sentences.npy", mmap_mode="r")
        if table.ndim != 2 or table.shape[1] != len(COLUMNS):
            raise ValueError("sentences.npy has the wrong shape")
        self.table = bm25.random_access(table)
        self.vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        if self.vectors.shape[0] != table.shape[0]:
            raise ValueError("vectors do not match sentences")
        self.speaker_names: list[str] = json.loads((directory / "speakers.json").read_text(encoding="utf-8"))
        large = (directory / "ann.faiss").exists()
        self.lexical = bm25.Postings.open(directory / "bm25", read_slices=large)
        self.window_lexical = bm25.Postings.open(directory / "bm25-window", read_slices=large)
        if self.lexical.size != self.size or self.window_lexical.size != self.size:
            raise ValueError("postings do not match sentences")
        ann_path = directory / "ann.faiss"
        self.ann = faiss.read_index(str(ann_path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY) if ann_path.exists() else None
        self._vector_fd = os.open(directory / "vectors.npy", os.O_RDONLY)
        self._questions = 0
        self._db = sqlite3.connect(f"file:{directory / 'documents.sqlite'}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._db_lock = threading.Lock()
        self._texts: OrderedDict[int, str] = OrderedDict()

    @property
    def size(self) -> int:
        return int(self.table.shape[0])

    def column(self, name: str) -> np.ndarray:
        return self.table[:, COLUMNS.index(name)]

    @cached_property
    def doc(self) -> np.ndarray:
        return np.ascontiguousarray(self.column("doc"))

    @cached_property
    def speaker(self) -> np.ndarray:
        return np.ascontiguousarray(self.column("speaker"))

    @cached_property
    def neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        return window_neighbours(self.doc, np.ascontiguousarray(self.column("paragraph")))

    @cached_property
    def dense(self) -> np.ndarray:
        """Every row's dense scoring vector (kept in memory: only for segments scanned exactly)."""
        before, after = self.neighbours
        return np.ascontiguousarray(dense_vectors(self.vectors, before, after, context_weight=self.context_weight), dtype=np.float32)

    def window_places(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(need, own, before, after)`` for some rows: the rows their windows span (sorted, unique), and each
        row's own, previous and next row as places in ``need`` (the previous is its own at a paragraph's start)."""
        before, after = self.neighbours
        b, a = before[rows], after[rows]
        need = np.unique(np.concatenate([rows, b, a]))
        own, at_b, at_a = (np.searchsorted(need, x) for x in (rows, b, a))
        return need, own, at_b, at_a

    def dense_scores(self, rows: np.ndarray, vector: np.ndarray,
                     places: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """``vector · dense_vectors(rows)`` for some rows of a large segment, from their own and their neighbours'
        stored vectors: each vector's similarity once (``V @ vector``) and the window's norm in one compiled pass
        (store/scoring_loops.py), without building the dense vectors first. ``places``: ``window_places(rows)``,
        when the caller has it already."""
        from . import scoring_loops

        need, at, at_b, at_a = places if places is not None else self.window_places(rows)
        vectors = self.read_vectors(need, _vector_scratch(len(need), self.vectors.shape[1]) if self.ann is not None else None)
        sims = vectors @ np.asarray(vector, dtype=np.float32)
        return scoring_loops.window_scores(vectors, sims, at, at_b, at_a, np.float32(self.context_weight))

    def answered(self) -> None:
        """Count a question scored through this (large) segment's candidates; every RELEASE_EVERY questions the
        mapped pages it touched (postings, sentence table) are handed back to the file cache (``bm25.release``),
        so that a long-running reader's memory stays bounded however much of a big index it has visited."""
        self._questions += 1
        if self._questions % RELEASE_EVERY == 0:
            self.lexical.release()
            self.window_lexical.release()
            bm25.release(self.table)

    def read_vectors(self, rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Stored vectors of ``rows`` (sorted, unique). A large segment reads them with ``pread``, one call per run
        of consecutive rows (a compiled loop: store/scoring_loops.py ``read_runs``): the pages stay in the system's
        file cache and never count against this process (a mapped read would map whole large folios, megabytes per
        row touched, until the reader held every vector). ``out``: a float32 array of ``len(rows)`` rows to read a
        large segment's vectors into (returned), instead of a new one."""
        from . import scoring_loops

        if self.ann is None:
            return np.asarray(self.vectors[rows], dtype=np.float32)
        if out is None:
            out = np.empty((len(rows), self.vectors.shape[1]), dtype=np.float32)
        if len(rows) and scoring_loops.read_runs(self._vector_fd, self.vectors.offset, out, np.asarray(rows, dtype=np.int64)) >= 0:
            raise AssistantError(f"the index segment {printable(self.directory.name)} has a damaged vectors.npy "
                                 "(shorter than its sentence table); assistant verify checks every file of the index.")
        return out

    def row(self, row: int) -> tuple[int, ...]:
        return tuple(self.table[row].tolist())

    def speaker_name(self, code: int) -> str | None:
        return self.speaker_names[code] if code >= 0 else None

    def speaker_codes(self, names: set[str]) -> np.ndarray:
        return np.array([i for i, n in enumerate(self.speaker_names) if n in names], dtype=np.int32)

    # ----- documents -----
    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._db_lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:  # a damaged file of the same size: loading checks sizes only
                raise AssistantError(
                    f"the index segment {printable(self.directory.name)} has a damaged documents.sqlite "
                    f"({printable(str(exc), 80)}); assistant verify checks every file of the index."
                ) from None

    def document_rows(self) -> list[StoredDocumentRow]:
        """Every document's row, in ord order (read once, then kept: the segment never changes)."""
        return list(self._doc_rows.values())

    def doc_meta(self, ord_: int) -> StoredDocumentRow:
        """A document's row (id, title, date, …) by ord; all rows are read once and kept."""
        return self._doc_rows[ord_]

    @cached_property
    def _link_columns(self) -> str:
        """``url, author`` as SQL: the columns, or nulls in a segment written before they existed."""
        names = {row[1] for row in self._query("PRAGMA table_info(documents)")}
        return "url, author" if {"url", "author"} <= names else "NULL, NULL"

    @cached_property
    def _doc_rows(self) -> dict[int, StoredDocumentRow]:
        rows = self._query(
            "SELECT ord, id, title, date, source, sha256, analysis, first_row, sentences, "
            f"{self._link_columns} FROM documents ORDER BY ord"
        )
        return {r[0]: StoredDocumentRow(*r) for r in rows}

    @cached_property
    def _doc_speakers(self) -> list[tuple[int, str, int, int, int]]:
        return self._query("SELECT ord, name, sentences, direct, indirect FROM doc_speakers ORDER BY ord")

    def doc_speakers(self) -> list[tuple[int, str, int, int, int]]:
        """(ord, speaker, sentences, direct, indirect) per document and speaker (read once, then kept)."""
        return self._doc_speakers

    @cached_property
    def speaker_totals(self) -> dict[str, tuple[int, int, int, list[int]]]:
        """Per speaker over the whole segment: sentences, direct, indirect and the ords of their documents."""
        totals: dict[str, tuple[int, int, int, list[int]]] = {}
        for ord_, name, count, direct, indirect in self._doc_speakers:
            s, d, i, ords = totals.get(name, (0, 0, 0, []))
            ords.append(ord_)
            totals[name] = (s + count, d + direct, i + indirect, ords)
        return totals

    def text_lengths(self) -> dict[int, int]:
        """Every document's text length in characters, by ord (SQLite's length() of TEXT counts characters)."""
        return dict(self._query("SELECT ord, length(text) FROM documents"))

    def text(self, ord_: int) -> str:
        cached = self._texts.get(ord_)
        if cached is not None:
            self._texts.move_to_end(ord_)
            return cached
        found = self._query("SELECT text FROM documents WHERE ord = ?", (ord_,))
        text = found[0][0] if found else ""
        self._texts[ord_] = text
        if len(self._texts) > 64:
            self._texts.popitem(last=False)
        return text

    def document(self, ord_: int) -> DocRecord:
        found = self._query(
            f"SELECT id, title, date, source, text, aliases, {self._link_columns} FROM documents WHERE ord = ?", (ord_,)
        )
        doc_id, title, date, source, text, aliases, url, author = found[0]
        return DocRecord(id=doc_id, title=title, date=date, source=source, text=text, aliases=json.loads(aliases or "{}"),
                         url=url, author=author)

    @cached_property
    def _aliases(self) -> list[tuple[int, dict[str, list[str]]]]:
        return [(o, json.loads(a or "{}")) for o, a in self._query("SELECT ord, aliases FROM documents WHERE aliases != '{}'")]

    def aliases(self) -> list[tuple[int, dict[str, list[str]]]]:
        """(ord, {speaker: names the text calls them}) of the documents that have any (read once, then kept)."""
        return self._aliases

    def sentence_text(self, row: int) -> str:
        d, _, start, end, *_ = self.row(row)
        return self.text(d)[start:end]

    def analysed(self, keep: list[int]) -> tuple[Analysed, list[str], list[str]]:
        """The documents at ``keep`` (ords) as Analysed again, with their analysis keys and hashes (for merges)."""
        rows = {r.ord: r for r in self.document_rows()}
        documents, parts, keys, hashes = [], [], [], []
        for new, o in enumerate(keep):
            r = rows[o]
            documents.append(self.document(o))
            keys.append(r.analysis)
            hashes.append(r.sha256)
            parts.append(np.arange(r.first_row, r.first_row + r.sentences))
        idx = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        doc = np.concatenate([np.full(len(p), i, np.int32) for i, p in enumerate(parts)]) if parts else np.zeros(0, np.int32)
        t = np.asarray(self.table[idx])
        analysed = Analysed(
            documents=documents, doc=doc, number=t[:, 1].copy(), start=t[:, 2].copy(), end=t[:, 3].copy(),
            paragraph=t[:, 4].copy(), speaker=t[:, 5].copy(), speaker_names=list(self.speaker_names),
            attribution=t[:, 6].astype(np.int8), vectors=np.asarray(self.vectors[idx], dtype=np.float32),
        )
        return analysed, keys, hashes

    def close(self) -> None:
        with self._db_lock:
            self._db.close()
        fd, self._vector_fd = getattr(self, "_vector_fd", -1), -1
        if fd >= 0:
            os.close(fd)
        self.lexical.close()
        self.window_lexical.close()

    def __del__(self) -> None:
        try:
            fd, self._vector_fd = getattr(self, "_vector_fd", -1), -1
            if fd >= 0:
                os.close(fd)
            for postings in (getattr(self, "lexical", None), getattr(self, "window_lexical", None)):
                if postings is not None:
                    postings.close()
        except (OSError, TypeError, AttributeError):  # at interpreter exit ``os`` may already be torn down (its names are None)
            pass
