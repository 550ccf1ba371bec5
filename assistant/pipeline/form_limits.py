"""The limits and rules an imported analysed form obeys beyond its schema: the sizes of texts, ids, names.

Issue 22: a 17 KB Parquet file held 500 MB of compressed text (2.6 GB to import); 1M one-word sentences in a 4.5 MB
form took 9.45 GB; ids of 10,000 characters, blanks, paths and terminal escapes were imported, and printed raw by
``ask``. Here: the limits of texts (:mod:`assistant.limits`), checked from the Parquet metadata and the string
columns' dictionaries before any table is decoded in full, and the rule of ids made from file names.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import AssistantError, printable
from ..limits import MAX_FILE_BYTES, MAX_ID_BYTES, MAX_IMPORT_SENTENCES, MAX_IMPORT_TEXT_BYTES

MAX_ROW_STRING_BYTES = 1_000_000
"""Any string column but ``text`` (ids, titles, sources, aliases, speakers), per row, before it is decoded."""
ROW_OVERHEAD_BYTES = 4096
"""Parquet bytes per sentence besides its vector (offsets, id, speaker, attribution) allowed before reading."""
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f]")
"""Control characters a stored text never holds (``clean_text`` makes them spaces for ``add``); an imported text
with one is refused, so that ``import`` and ``add`` give one printable form."""


def check_id(doc_id: str, name: str) -> None:
    """An imported id obeys the rule of ids made from file names (:func:`assistant.text.documents.slug`): at most
    MAX_ID_BYTES bytes of letters, digits, ``_``, ``.`` and ``-``, no control characters, no path."""
    from ..text.documents import slug

    if slug(doc_id) != doc_id:
        raise AssistantError(
            f"{name}: document id {printable(doc_id, 60)} is not a valid id (at most {MAX_ID_BYTES} bytes of "
            f"letters, digits, '_', '.' and '-', as an id from a file name; here it would be {slug(doc_id)!r})."
        )


def plain_name(value: str, limit: int) -> bool:
    """A title, source or speaker name: no control or bidi characters, at most ``limit`` characters."""
    return len(value) <= limit and printable(value, None) == value


def check_sizes(directory: Path, dimension: int, document_files: list[Path], sentence_files: list[Path]) -> None:
    """The import limits, from the Parquet metadata and the string columns' dictionaries, before any table is
    read in full: sentences, text bytes per document and in all, the size of every other string."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    name = printable(directory)
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
