"""The analysed form: documents with their attributed, embedded sentences, in memory and as Parquet on disk.

It is the hand-over between the per-document work (segment → attribute → embed, on one machine or a Ray cluster)
and the index. In memory it is one columnar :class:`Analysed` (a row per sentence, numpy columns, sentences of a
document contiguous and in order); on disk it is ``analysis.json`` + ``documents/*.parquet`` +
``sentences/*.parquet`` as ``../shared/design.md`` specifies. ``read`` checks every rule of that contract and
refuses a directory that breaks one with a single clear line.
"""

from __future__ import annotations

import json
import math
import re
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AssistantError, printable
from ..limits import (
    MAX_BUILD_SENTENCES, MAX_DATE, MAX_FILE_BYTES, MAX_ID_BYTES, MAX_IMPORT_SENTENCES, MAX_IMPORT_TEXT_BYTES, MAX_SPEAKER_CHARS,
    MAX_TITLE_CHARS, MIN_DATE, valid_date,
)

FORMAT = "article-assistant-analysis"
FORMAT_VERSION = 1
ATTRIBUTIONS = ("narration", "direct", "indirect")
"""Attribution codes: the position in this tuple."""
NORM_TOLERANCE = 1e-3
MAX_DIMENSION = 8192
"""The largest vector dimension an analysed form may declare: sentence-transformers models make 384–4,096."""
INT32_MAX = 2**31 - 1
"""Offsets, numbers and paragraphs are stored as int32: a larger value is refused, never wrapped."""
MAX_ROW_STRING_BYTES = 1_000_000
"""Any string column but ``text`` (ids, titles, sources, aliases, speakers), per row, before it is decoded."""
ROW_OVERHEAD_BYTES = 4096
"""Parquet bytes per sentence besides its vector (offsets, id, speaker, attribution) allowed before reading."""
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f]")
"""Control characters a stored text never holds (``clean_text`` makes them spaces for ``add``); an imported text
with one is refused, so that ``import`` and ``add`` give one printable form."""


@dataclass(frozen=True)
class DocRecord:
    """A document as analysed: its text and what the attribution learnt about its speakers' names."""

    id: str
    title: str
    date: str | None
    source: str
    text: str
    aliases: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Analysed:
    """Documents and one row per sentence: ``doc`` indexes ``documents``; rows of a document are contiguous."""

    documents: list[DocRecord]
    doc: np.ndarray  # int32
    number: np.ndarray  # int32, from 1 per document
    start: np.ndarray  # int32
    end: np.ndarray  # int32
    paragraph: np.ndarray  # int32, from 1
    speaker: np.ndarray  # int32 code into speaker_names, -1 for narration
    speaker_names: list[str]
    attribution: np.ndarray  # int8 code into ATTRIBUTIONS
    vectors: np.ndarray  # float32 (rows, dimension), L2-normalised

    @property
    def size(self) -> int:
        return len(self.doc)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def speaker_of(self, row: int) -> str | None:
        code = int(self.speaker[row])
        return self.speaker_names[code] if code >= 0 else None

    def document_rows(self) -> list[tuple[int, int]]:
        """``(first row, end row)`` of each document, in document order."""
        counts = np.bincount(self.doc, minlength=len(self.documents))
        ends = np.cumsum(counts)
        return [(int(e - c), int(e)) for c, e in zip(counts, ends)]


def empty(dimension: int) -> Analysed:
    z = np.zeros(0, dtype=np.int32)
    return Analysed([], z, z, z, z, z, z.copy(), [], np.zeros(0, np.int8), np.zeros((0, dimension), np.float32))


def concat(parts: list[Analysed], dimension: int) -> Analysed:
    """One Analysed from several (document indices and speaker codes renumbered)."""
    parts = [p for p in parts if p.documents]
    if not parts:
        return empty(dimension)
    names: dict[str, int] = {}
    documents: list[DocRecord] = []
    docs, speakers = [], []
    for part in parts:
        docs.append(part.doc.astype(np.int32) + len(documents))
        documents.extend(part.documents)
        remap = np.array([names.setdefault(n, len(names)) for n in part.speaker_names] + [-1], dtype=np.int32)
        speakers.append(remap[part.speaker])  # code -1 picks the trailing -1
    return Analysed(
        documents=documents,
        doc=np.concatenate(docs),
        number=np.concatenate([p.number for p in parts]).astype(np.int32),
        start=np.concatenate([p.start for p in parts]).astype(np.int32),
        end=np.concatenate([p.end for p in parts]).astype(np.int32),
        paragraph=np.concatenate([p.paragraph for p in parts]).astype(np.int32),
        speaker=np.concatenate(speakers).astype(np.int32),
        speaker_names=list(names),
        attribution=np.concatenate([p.attribution for p in parts]).astype(np.int8),
        vectors=np.concatenate([p.vectors for p in parts]).astype(np.float32),
    )


def take(analysed: Analysed, keep: list[int]) -> Analysed:
    """Only the documents at positions ``keep`` (in that order)."""
    rows = analysed.document_rows()
    parts = []
    for new_index, d in enumerate(keep):
        lo, hi = rows[d]
        part = np.arange(lo, hi)
        parts.append((new_index, part))
    if not parts:
        return empty(analysed.dimension)
    idx = np.concatenate([p for _, p in parts])
    doc = np.concatenate([np.full(len(p), i, dtype=np.int32) for i, p in parts])
    return Analysed(
        documents=[analysed.documents[d] for d in keep], doc=doc, number=analysed.number[idx],
        start=analysed.start[idx], end=analysed.end[idx], paragraph=analysed.paragraph[idx],
        speaker=analysed.speaker[idx], speaker_names=analysed.speaker_names,
        attribution=analysed.attribution[idx], vectors=analysed.vectors[idx],
    )


# ----- Parquet -----

def _schemas(dimension: int):  # noqa: ANN202 - pyarrow schemas
    import pyarrow as pa

    documents = pa.schema([
        ("id", pa.string()), ("title", pa.string()), ("date", pa.string()), ("source", pa.string()),
        ("text", pa.string()), ("aliases", pa.string()),
    ])
    sentences = pa.schema([
        ("doc_id", pa.string()), ("number", pa.int32()), ("start", pa.int32()), ("end", pa.int32()),
        ("paragraph", pa.int32()), ("speaker", pa.string()), ("attribution", pa.string()),
        ("vector", pa.list_(pa.float32(), dimension)),
    ])
    return documents, sentences


def write_parts(analysed: Analysed, directory: Path, part: str) -> None:
    """Write ``documents/<part>.parquet`` and ``sentences/<part>.parquet`` into ``directory``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    doc_schema, sentence_schema = _schemas(analysed.dimension)
    (directory / "documents").mkdir(parents=True, exist_ok=True)
    (directory / "sentences").mkdir(parents=True, exist_ok=True)
    docs = pa.table(
        {
            "id": [d.id for d in analysed.documents],
            "title": [d.title for d in analysed.documents],
            "date": [d.date for d in analysed.documents],
            "source": [d.source for d in analysed.documents],
            "text": [d.text for d in analysed.documents],
            "aliases": [json.dumps(d.aliases, ensure_ascii=False) if d.aliases else None for d in analysed.documents],
        },
        schema=doc_schema,
    )
    ids = np.array([d.id for d in analysed.documents] or [""], dtype=object)
    names = np.array(analysed.speaker_names + [None], dtype=object)
    flat = pa.array(np.ascontiguousarray(analysed.vectors, dtype=np.float32).reshape(-1), type=pa.float32())
    sentences = pa.table(
        {
            "doc_id": pa.array(ids[analysed.doc] if analysed.size else [], type=pa.string()),
            "number": pa.array(analysed.number, type=pa.int32()),
            "start": pa.array(analysed.start, type=pa.int32()),
            "end": pa.array(analysed.end, type=pa.int32()),
            "paragraph": pa.array(analysed.paragraph, type=pa.int32()),
            "speaker": pa.array(names[analysed.speaker] if analysed.size else [], type=pa.string()),
            "attribution": pa.array([ATTRIBUTIONS[a] for a in analysed.attribution], type=pa.string()),
            "vector": pa.FixedSizeListArray.from_arrays(flat, analysed.dimension),
        },
        schema=sentence_schema,
    )
    pq.write_table(docs, directory / "documents" / f"{part}.parquet")
    pq.write_table(sentences, directory / "sentences" / f"{part}.parquet", row_group_size=65536)


MARKER = ".article-assistant-analysis"
"""Written into every analysed folder this app makes: ``analyse --out`` replaces only a folder that holds it and
nothing this app does not write (issue 22: a folder that merely held an ``analysis.json`` was deleted whole)."""
OWN_ENTRIES = {MARKER: "file", "analysis.json": "file", "documents": "parquet", "sentences": "parquet"}
"""What an analysed folder of ours holds: the marker, the header, and two folders of ``*.parquet`` parts."""


def write_header(directory: Path, model: str, dimension: int) -> None:
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "model": model, "dimension": dimension}
    (directory / "analysis.json").write_text(json.dumps(header, indent=2), encoding="utf-8")
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


def write(analysed: Analysed, out: Path, model: str, sources: Sequence[Path | str] = ()) -> None:
    """Write the analysed form to ``out`` atomically: a temporary sibling, renamed when complete.

    ``out`` must not exist, or be an analysed folder this app wrote (which is replaced): :func:`check_out`."""
    out = Path(out)
    check_out(out, sources)
    tmp = out.parent / f".{out.name}.analysing-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        write_parts(analysed, tmp, "part-00000")
        write_header(tmp, model, analysed.dimension)
        publish_directory(tmp, out, sources)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def publish_directory(tmp: Path, out: Path, sources: Sequence[Path | str] = ()) -> None:
    """Move a finished directory into place, replacing a previous analysed folder at ``out`` only if
    :func:`check_out` still allows it (checked again right before the swap)."""
    check_out(out, sources)
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)


def read_header(directory: Path) -> dict[str, Any]:
    name = printable(directory)
    path = directory / "analysis.json"
    if not directory.is_dir():
        raise AssistantError(f"{name} is not a directory of analysed texts (assistant analyse writes one).")
    if not path.is_file():
        raise AssistantError(f"{name} has no analysis.json; it is not an analysed directory.")
    try:
        header = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # ValueError: a number of 5,000 digits too
        raise AssistantError(f"{name}/analysis.json is not readable JSON.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise AssistantError(f"{name}/analysis.json is not an {FORMAT} header.")
    if header.get("format_version") != FORMAT_VERSION:
        raise AssistantError(f"{name} has analysis format version {header.get('format_version')!r}; this reads {FORMAT_VERSION}.")
    if not isinstance(header.get("model"), str) or not header["model"]:
        raise AssistantError(f"{name}/analysis.json does not name its model.")
    dim = header.get("dimension")
    if isinstance(dim, bool) or not isinstance(dim, int) or not 0 < dim <= MAX_DIMENSION:
        raise AssistantError(f"{name}/analysis.json has no valid dimension (a whole number from 1 to {MAX_DIMENSION:,}).")
    return header


def _parquet_files(directory: Path, table: str) -> list[Path]:
    folder = directory / table
    if not folder.is_dir():
        raise AssistantError(f"{printable(directory)} has no {table}/ folder.")
    return sorted(p for p in folder.iterdir() if p.suffix == ".parquet" and p.is_file())


def _read_table(files: list[Path], columns: list[str], directory: Path, table: str):  # noqa: ANN202
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for path in files:
        try:
            t = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise AssistantError(f"{printable(path)} is not a readable Parquet file ({type(exc).__name__}).") from None
        missing = [c for c in columns if c not in t.column_names]
        if missing:
            raise AssistantError(f"{printable(path)} lacks the column(s) {', '.join(missing)} of the {table} table.")
        tables.append(t.select(columns))
    if not tables:
        return None
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException:
        raise AssistantError(f"{printable(directory)}: the {table} Parquet files do not share one schema.") from None


def read(directory: Path, model: str | None = None, dimension: int | None = None) -> tuple[str, Analysed]:
    """Read and check one analysed directory; ``model``/``dimension`` (the index's) must match if given."""
    import pyarrow as pa

    directory = Path(directory)
    header = read_header(directory)
    name = printable(directory)
    if model is not None and header["model"] != model:
        raise AssistantError(
            f"{name} was analysed with model {header['model']!r} but the index uses {model!r}; "
            f"analyse it again with --model {model}."
        )
    dim = int(header["dimension"])
    if dimension is not None and dim != dimension:
        raise AssistantError(f"{name} has {dim}-dimensional vectors but the index holds {dimension}-dimensional ones.")

    check_sizes(directory, dim)
    doc_table = _read_table(_parquet_files(directory, "documents"), ["id", "title", "date", "source", "text"], directory, "documents")
    if doc_table is None or doc_table.num_rows == 0:
        raise AssistantError(f"{name} holds no documents.")
    doc_files = _parquet_files(directory, "documents")
    has_aliases = all("aliases" in _column_names(p) for p in doc_files)
    docs = doc_table.to_pydict()
    aliases_col = _read_table(doc_files, ["aliases"], directory, "documents").column("aliases").to_pylist() if has_aliases else [None] * doc_table.num_rows
    documents: list[DocRecord] = []
    position: dict[str, int] = {}
    for i in range(doc_table.num_rows):
        doc_id, text = docs["id"][i], docs["text"][i]
        if not isinstance(doc_id, str) or not doc_id:
            raise AssistantError(f"{name}: document {i + 1} has no id.")
        check_id(doc_id, name)
        if not isinstance(text, str) or not text.strip():
            raise AssistantError(f"{name}: document {printable(doc_id)} has no text.")
        if TEXT_CONTROLS.search(text):
            raise AssistantError(f"{name}: the text of {printable(doc_id)} holds a control character "
                                 f"({printable(TEXT_CONTROLS.search(text).group())}); a stored text has none.")
        for field_name in ("title", "source"):
            value = docs[field_name][i]
            if value is not None and (not isinstance(value, str) or not _plain_name(value, MAX_TITLE_CHARS)):
                raise AssistantError(f"{name}: the {field_name} of {printable(doc_id)} holds a control character or "
                                     f"is over {MAX_TITLE_CHARS} characters.")
        if doc_id in position:
            raise AssistantError(f"{name}: document id {printable(doc_id)} appears twice.")
        date = docs["date"][i]
        if date is not None and not _valid_date(date):
            raise AssistantError(f"{name}: document {printable(doc_id)} has an invalid date {printable(str(date))} "
                                 f"(YYYY-MM-DD from {MIN_DATE} to {MAX_DATE}).")
        position[doc_id] = i
        documents.append(
            DocRecord(
                id=doc_id, title=docs["title"][i] or doc_id, date=date, source=docs["source"][i] or "",
                text=text, aliases=_aliases(aliases_col[i], name, doc_id),
            )
        )

    columns = ["doc_id", "number", "start", "end", "paragraph", "speaker", "attribution", "vector"]
    table = _read_table(_parquet_files(directory, "sentences"), columns, directory, "sentences")
    if table is None or table.num_rows == 0:
        raise AssistantError(f"{name} holds no sentences.")
    vector_type = table.schema.field("vector").type
    if not (pa.types.is_fixed_size_list(vector_type) or pa.types.is_list(vector_type) or pa.types.is_large_list(vector_type)):
        raise AssistantError(f"{name}: the vector column is not a list of floats.")
    ints = {}
    for col in ("number", "start", "end", "paragraph"):
        column = table.column(col)
        if column.null_count or not pa.types.is_integer(column.type):
            raise AssistantError(f"{name}: the {col} column must be whole numbers without gaps.")
        values = column.to_numpy().astype(np.int64)  # uint64 beyond 2^63 wraps negative: refused below too
        if len(values) and (int(values.min()) < 0 or int(values.max()) > INT32_MAX):
            raise AssistantError(f"{name}: the {col} column holds a value out of range (0 to {INT32_MAX:,}).")
        ints[col] = values
    doc_ids = table.column("doc_id")
    if doc_ids.null_count:
        raise AssistantError(f"{name}: a sentence has no doc_id.")
    doc_codes = doc_ids.combine_chunks().dictionary_encode()
    dictionary = doc_codes.dictionary.to_pylist()
    unknown = [d for d in dictionary if d not in position]
    if unknown:
        raise AssistantError(f"{name}: sentences name document {printable(unknown[0])}, which is not in documents/.")
    remap = np.array([position[d] for d in dictionary], dtype=np.int64)
    doc = remap[doc_codes.indices.to_numpy(zero_copy_only=False)]

    attribution_codes = table.column("attribution").combine_chunks().dictionary_encode()
    labels = attribution_codes.dictionary.to_pylist()
    bad = [a for a in labels if a not in ATTRIBUTIONS]
    if bad or attribution_codes.null_count:
        raise AssistantError(f"{name}: unknown attribution {printable(str(bad[0] if bad else None))} (use direct, indirect or narration).")
    attribution = np.array([ATTRIBUTIONS.index(a) for a in labels], dtype=np.int8)[
        attribution_codes.indices.to_numpy(zero_copy_only=False)
    ]
    speaker_codes = table.column("speaker").combine_chunks().dictionary_encode()
    speaker_names = speaker_codes.dictionary.to_pylist()
    speaker_idx = speaker_codes.indices.to_numpy(zero_copy_only=False)
    speaker = np.where(speaker_codes.is_null().to_numpy(zero_copy_only=False), -1, np.nan_to_num(speaker_idx, nan=-1)).astype(np.int32)
    if any(not isinstance(s, str) or not s.strip() for s in speaker_names):
        raise AssistantError(f"{name}: a speaker is an empty name (use null for narration).")
    bad_names = [s for s in speaker_names if not _plain_name(s, MAX_SPEAKER_CHARS)]
    if bad_names:
        raise AssistantError(f"{name}: the speaker {printable(bad_names[0], 60)} holds a control character or is over "
                             f"{MAX_SPEAKER_CHARS} characters.")
    narration = attribution == ATTRIBUTIONS.index("narration")
    if (narration & (speaker >= 0)).any() or (~narration & (speaker < 0)).any():
        row = int(np.flatnonzero((narration & (speaker >= 0)) | (~narration & (speaker < 0)))[0])
        raise AssistantError(
            f"{name}: sentence {int(ints['number'][row])} of {printable(documents[int(doc[row])].id)} is "
            f"{ATTRIBUTIONS[int(attribution[row])]} {'with' if narration[row] else 'without'} a speaker "
            "(narration has none; direct and indirect speech have one)."
        )
    per_document = np.bincount(doc, minlength=len(documents))
    if len(per_document) and int(per_document.max()) > MAX_BUILD_SENTENCES:
        big = int(per_document.argmax())
        raise AssistantError(f"{name}: document {printable(documents[big].id)} has {int(per_document[big]):,} "
                             f"sentences; the limit is {MAX_BUILD_SENTENCES:,} per document, as for a text.")

    vectors = _vectors(table.column("vector"), dim, name)
    # order: by document position, then number
    order = np.lexsort((ints["number"], doc))
    doc = doc[order]
    for col in ints:
        ints[col] = ints[col][order]
    analysed = Analysed(
        documents=documents, doc=doc.astype(np.int32), number=ints["number"].astype(np.int32),
        start=ints["start"].astype(np.int32), end=ints["end"].astype(np.int32),
        paragraph=ints["paragraph"].astype(np.int32), speaker=speaker[order], speaker_names=speaker_names,
        attribution=attribution[order], vectors=vectors[order],
    )
    check(analysed, name)
    return str(header["model"]), analysed


def check_id(doc_id: str, name: str) -> None:
    """An imported id obeys the rule of ids made from file names (:func:`assistant.text.documents.slug`): at most
    MAX_ID_BYTES bytes of letters, digits, ``_``, ``.`` and ``-``, no control characters, no path."""
    from ..text.documents import slug

    if slug(doc_id) != doc_id:
        raise AssistantError(
            f"{name}: document id {printable(doc_id, 60)} is not a valid id (at most {MAX_ID_BYTES} bytes of "
            f"letters, digits, '_', '.' and '-', as an id from a file name; here it would be {slug(doc_id)!r})."
        )


def _plain_name(value: str, limit: int) -> bool:
    """A title, source or speaker name: no control or bidi characters, at most ``limit`` characters."""
    return len(value) <= limit and printable(value, None) == value


def check_sizes(directory: Path, dimension: int) -> None:
    """The import limits, from the Parquet metadata and the string columns' dictionaries, before any table is
    read in full: sentences, text bytes per document and in all, the size of every other string."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    name = printable(directory)
    sentence_files = _parquet_files(directory, "sentences")
    document_files = _parquet_files(directory, "documents")
    rows = {"documents": 0, "sentences": 0}
    stored = {"documents": 0, "sentences": 0}
    for table, files in (("documents", document_files), ("sentences", sentence_files)):
        for path in files:
            try:
                meta = pq.read_metadata(path)
            except (OSError, pa.ArrowException) as exc:
                raise AssistantError(f"{printable(path)} is not a readable Parquet file ({type(exc).__name__}).") from None
            rows[table] += meta.num_rows
            stored[table] += sum(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups))
    if rows["sentences"] > MAX_IMPORT_SENTENCES:
        raise AssistantError(f"{name} holds {rows['sentences']:,} sentences; the limit is {MAX_IMPORT_SENTENCES:,} "
                             "per import (import it in parts).")
    if stored["sentences"] > rows["sentences"] * (4 * dimension + ROW_OVERHEAD_BYTES) + MAX_ROW_STRING_BYTES:
        raise AssistantError(f"{name}: the sentences files hold {stored['sentences']:,} bytes of data, more than "
                             f"{rows['sentences']:,} sentences need.")
    if stored["documents"] > MAX_IMPORT_TEXT_BYTES + rows["documents"] * 4 * MAX_ROW_STRING_BYTES:
        raise AssistantError(f"{name}: the documents files hold {stored['documents']:,} bytes; the limit is "
                             f"{MAX_IMPORT_TEXT_BYTES:,} bytes of text per import.")

    def decoded_lengths(files: list[Path], column: str) -> np.ndarray:
        """Bytes of each row's string, from the column's dictionary (a repeated string is not decoded n times)."""
        parts = []
        for path in files:
            try:
                if column not in pq.read_schema(path).names:
                    continue
                chunked = pq.read_table(path, columns=[column], read_dictionary=[column]).column(column)
            except (OSError, pa.ArrowException) as exc:
                raise AssistantError(f"{printable(path)} is not a readable Parquet file ({type(exc).__name__}).") from None
            for chunk in chunked.chunks:
                if not pa.types.is_dictionary(chunk.type):  # not text (all null, say): its type is checked later
                    continue
                lengths = pc.binary_length(chunk.dictionary).fill_null(0).to_numpy(zero_copy_only=False)
                codes = chunk.indices.fill_null(0).to_numpy(zero_copy_only=False) if len(chunk) else np.zeros(0, int)
                parts.append(lengths[codes] if len(lengths) else np.zeros(len(codes), np.int64))
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    texts = decoded_lengths(document_files, "text")
    if len(texts) and int(texts.max()) > MAX_FILE_BYTES:
        raise AssistantError(f"{name}: a document's text is {int(texts.max()):,} bytes; the limit is "
                             f"{MAX_FILE_BYTES:,} bytes per text, as for a file.")
    if int(texts.sum()) > MAX_IMPORT_TEXT_BYTES:
        raise AssistantError(f"{name}: the texts come to {int(texts.sum()):,} bytes; the limit is "
                             f"{MAX_IMPORT_TEXT_BYTES:,} bytes per import (import them in parts).")
    for table, files, columns in (("documents", document_files, ("id", "title", "source", "aliases")),
                                  ("sentences", sentence_files, ("doc_id", "speaker", "attribution"))):
        for column in columns:
            lengths = decoded_lengths(files, column)
            if len(lengths) and int(lengths.max()) > MAX_ROW_STRING_BYTES:
                raise AssistantError(f"{name}: a value of the {table} {column} column is {int(lengths.max()):,} "
                                     f"bytes; the limit is {MAX_ROW_STRING_BYTES:,}.")


def _column_names(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception:  # noqa: BLE001 - reported when the table is read
        return []


def _aliases(value: object, name: str, doc_id: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    try:
        parsed = json.loads(value) if isinstance(value, str) else None
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) and _plain_name(a, MAX_SPEAKER_CHARS) for a in v)
        and _plain_name(k, MAX_SPEAKER_CHARS) for k, v in parsed.items()
    ):
        raise AssistantError(f"{name}: document {printable(doc_id)} has aliases that are not a JSON object of name lists.")
    return parsed


def _valid_date(value: object) -> bool:
    """``YYYY-MM-DD`` in the CLI's range (:func:`assistant.limits.valid_date`)."""
    return isinstance(value, str) and len(value) == 10 and valid_date(value)


def _vectors(column, dim: int, name: str) -> np.ndarray:  # noqa: ANN001 - pyarrow ChunkedArray
    import pyarrow as pa

    combined = column.combine_chunks()
    if combined.null_count:
        raise AssistantError(f"{name}: a sentence has no vector.")
    if pa.types.is_fixed_size_list(combined.type):
        if combined.type.list_size != dim:
            raise AssistantError(f"{name}: vectors have {combined.type.list_size} values, not {dim}.")
        flat = combined.flatten().to_numpy(zero_copy_only=False)
    else:
        lengths = combined.value_lengths().to_numpy(zero_copy_only=False)
        if (lengths != dim).any():
            raise AssistantError(f"{name}: a vector does not have {dim} values.")
        flat = combined.flatten().to_numpy(zero_copy_only=False)
    vectors = np.asarray(flat, dtype=np.float32).reshape(-1, dim)
    if not np.isfinite(vectors).all():
        raise AssistantError(f"{name}: a vector holds a value that is not finite.")
    norms = np.linalg.norm(vectors, axis=1)
    if len(norms) and float(np.abs(norms - 1).max()) > NORM_TOLERANCE:
        raise AssistantError(f"{name}: vectors must be L2-normalised (a norm of {float(norms[np.abs(norms - 1).argmax()]):.3f} was found).")
    return vectors


def check(analysed: Analysed, name: str) -> None:
    """Offsets inside the text and in order, numbers 1..n per document, every document with sentences."""
    counts = np.bincount(analysed.doc, minlength=len(analysed.documents))
    empty_docs = np.flatnonzero(counts == 0)
    if len(empty_docs):
        raise AssistantError(f"{name}: document {printable(analysed.documents[int(empty_docs[0])].id)} has no sentences.")
    lengths = np.array([len(d.text) for d in analysed.documents], dtype=np.int64)
    bad = (analysed.start < 0) | (analysed.end <= analysed.start) | (analysed.end > lengths[analysed.doc])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise AssistantError(
            f"{name}: sentence {int(analysed.number[row])} of {printable(analysed.documents[int(analysed.doc[row])].id)} "
            f"has offsets [{int(analysed.start[row])}:{int(analysed.end[row])}] outside its text."
        )
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    expected = np.arange(analysed.size) - first[analysed.doc] + 1
    wrong = analysed.number != expected
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise AssistantError(
            f"{name}: the sentences of {printable(analysed.documents[int(analysed.doc[row])].id)} are not numbered 1..n."
        )
    if (analysed.paragraph < 1).any():
        raise AssistantError(f"{name}: paragraphs count from 1.")
    if not math.isfinite(float(analysed.vectors.sum())) if analysed.size else False:
        raise AssistantError(f"{name}: a vector holds a value that is not finite.")
