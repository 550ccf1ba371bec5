"""The analysed form: documents with their attributed, embedded sentences, in memory and as Parquet on disk.

It is the hand-over between the per-document work (segment → attribute → embed, on one machine or a Ray cluster)
and the index. In memory it is one columnar :class:`Analysed` (a row per sentence, numpy columns, sentences of a
document contiguous and in order); on disk it is ``analysis.json`` + ``documents/*.parquet`` +
``sentences/*.parquet`` as ``../shared/design.md`` specifies. ``read`` checks every rule of that contract and
refuses a directory that breaks one with a single clear line.

The precision the vectors were encoded at (``fp32`` or ``int8``, :data:`assistant.pipeline.encoder.PRECISIONS`) is
recorded where the contract leaves room for it, without changing a column or ``analysis.json``: as the key-value
metadata :data:`PRECISION_KEY` of every ``sentences/*.parquet`` file, the files that hold the vectors.
:func:`read_precision` reads it; a file without it (written before it was recorded, or by another tool) holds fp32
vectors.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AssistantError, printable
from .encoder import FP32, OLD_PRECISION, PRECISIONS, check_precision
from .form_limits import TEXT_CONTROLS, check_id, check_sizes, plain_name
from .out_folder import check_out, write_marker
from ..limits import MAX_BUILD_SENTENCES, MAX_DATE, MAX_SPEAKER_CHARS, MAX_TITLE_CHARS, MIN_DATE, valid_date

FORMAT = "article-assistant-analysis"
FORMAT_VERSION = 1
ATTRIBUTIONS = ("narration", "direct", "indirect")
"""Attribution codes: the position in this tuple."""
NORM_TOLERANCE = 1e-3
MAX_DIMENSION = 8192
"""The largest vector dimension an analysed form may declare: sentence-transformers models make 384–4,096."""
INT32_MAX = 2**31 - 1
"""Offsets, numbers and paragraphs are stored as int32: a larger value is refused, never wrapped."""
PRECISION_KEY = b"article-assistant:encoder_precision"
"""The Parquet key-value metadata of a sentences file that names the precision of its vectors (see above)."""


@dataclass(frozen=True)
class DocRecord:
    """A document as analysed: its text and what the attribution learnt about its speakers' names."""

    id: str
    title: str
    date: str | None
    source: str
    text: str
    aliases: dict[str, list[str]] = field(default_factory=dict)
    url: str | None = None
    author: str | None = None


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
        ("text", pa.string()), ("aliases", pa.string()), ("url", pa.string()), ("author", pa.string()),
    ])
    sentences = pa.schema([
        ("doc_id", pa.string()), ("number", pa.int32()), ("start", pa.int32()), ("end", pa.int32()),
        ("paragraph", pa.int32()), ("speaker", pa.string()), ("attribution", pa.string()),
        ("vector", pa.list_(pa.float32(), dimension)),
    ])
    return documents, sentences


def write_parts(analysed: Analysed, directory: Path, part: str, precision: str = FP32) -> None:
    """Write ``documents/<part>.parquet`` and ``sentences/<part>.parquet`` into ``directory``; the sentences file
    records ``precision``, the precision the vectors were encoded at (:data:`PRECISION_KEY`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    check_precision(precision)
    doc_schema, sentence_schema = _schemas(analysed.dimension)
    sentence_schema = sentence_schema.with_metadata({PRECISION_KEY: precision.encode()})
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
            "url": [d.url for d in analysed.documents],
            "author": [d.author for d in analysed.documents],
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


def write_header(directory: Path, model: str, dimension: int) -> None:
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "model": model, "dimension": dimension}
    (directory / "analysis.json").write_text(json.dumps(header, indent=2), encoding="utf-8")
    write_marker(directory)


def write(analysed: Analysed, out: Path, model: str, sources: Sequence[Path | str] = (), precision: str = FP32) -> None:
    """Write the analysed form to ``out`` atomically: a temporary sibling, renamed when complete.

    ``out`` must not exist, or be an analysed folder this app wrote (which is replaced): :func:`check_out`."""
    out = Path(out)
    check_out(out, sources)
    tmp = out.parent / f".{out.name}.analysing-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        write_parts(analysed, tmp, "part-00000", precision)
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


def read_precision(directory: Path) -> str:
    """The precision the vectors of an analysed directory were encoded at, from the key-value metadata of its
    sentences files (:data:`PRECISION_KEY`; a file without it holds fp32 vectors). Files that disagree, or name a
    precision this version does not know, are refused with one line."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(directory)
    read_header(directory)
    found: dict[str, Path] = {}
    for path in _parquet_files(directory, "sentences"):
        try:
            metadata = pq.read_schema(path).metadata or {}
        except (OSError, pa.ArrowException) as exc:
            raise AssistantError(f"{printable(path)} is not a readable Parquet file ({type(exc).__name__}).") from None
        raw = metadata.get(PRECISION_KEY)
        precision = raw.decode("utf-8", "replace") if raw is not None else OLD_PRECISION
        if precision not in PRECISIONS:
            raise AssistantError(f"{printable(path)} names encoder precision {printable(precision, 20)!r}; "
                                 f"this version reads {', '.join(PRECISIONS)}.")
        found.setdefault(precision, path)
    if len(found) > 1:
        (a, first), (b, second) = sorted(found.items())[:2]
        raise AssistantError(
            f"{printable(directory)} mixes vectors of two precisions ({printable(first.name)} is {a}, "
            f"{printable(second.name)} is {b}), which are not comparable; analyse its sources again into one folder."
        )
    return next(iter(found), OLD_PRECISION)


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

    check_sizes(directory, dim, _parquet_files(directory, "documents"), _parquet_files(directory, "sentences"))
    doc_table = _read_table(_parquet_files(directory, "documents"), ["id", "title", "date", "source", "text"], directory, "documents")
    if doc_table is None or doc_table.num_rows == 0:
        raise AssistantError(f"{name} holds no documents.")
    doc_files = _parquet_files(directory, "documents")
    has_aliases = all("aliases" in _column_names(p) for p in doc_files)
    docs = doc_table.to_pydict()
    aliases_col = _read_table(doc_files, ["aliases"], directory, "documents").column("aliases").to_pylist() if has_aliases else [None] * doc_table.num_rows
    urls, authors = (_optional_text(doc_files, column, directory, doc_table.num_rows) for column in ("url", "author"))
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
            if value is not None and (not isinstance(value, str) or not plain_name(value, MAX_TITLE_CHARS)):
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
                text=text, aliases=_aliases(aliases_col[i], name, doc_id), url=urls[i], author=authors[i],
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
    bad_names = [s for s in speaker_names if not plain_name(s, MAX_SPEAKER_CHARS)]
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


def _optional_text(files: list[Path], column: str, directory: Path, rows: int) -> list[str | None]:
    """An optional text column of the documents table (``url``, ``author``): null where a file lacks it (older
    analysed forms); a value that is not text is refused with one line."""
    if not any(column in _column_names(p) for p in files):
        return [None] * rows
    values: list[str | None] = []
    for path in files:
        if column in _column_names(path):
            part = _read_table([path], [column], directory, "documents").column(column).to_pylist()
        else:
            part = [None] * _read_table([path], ["id"], directory, "documents").num_rows
        values.extend(part)
    bad = next((v for v in values if v is not None and not isinstance(v, str)), None)
    if bad is not None:
        raise AssistantError(f"{printable(directory)}: the {column} column must be text or null, not {printable(repr(bad), 60)}.")
    return [v.strip() or None if isinstance(v, str) else None for v in values]


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
        isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) and plain_name(a, MAX_SPEAKER_CHARS) for a in v)
        and plain_name(k, MAX_SPEAKER_CHARS) for k, v in parsed.items()
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
