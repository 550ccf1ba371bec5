"""The index store: a folder that grows by immutable segments and a manifest that commits them (after Lucene).

``manifest.py`` is the commit point: ``manifest.json`` names the live segments and the documents deleted from each,
and is replaced in one atomic rename; writers hold ``.lock``. ``segment.py`` writes and opens one segment: its
documents in SQLite (txtai-style content beside the vectors), its sentence table, vectors and BM25 postings as
memory-mapped ``.npy`` files, and an IVF index when it is large. ``bm25.py`` scores BM25 across segments with
global statistics; ``scoring_loops.py`` holds the compiled inner loops of scoring a large segment's candidates
(BM25 and the dense window part). ``snapshot.py`` is what a reader holds: the segments of one manifest minus its deletions, with
the document list and the speaker table; ``verify`` checks every checksum. ``writer.py`` makes changes: add or
replace documents, remove them, replace everything, and merge small segments when there are too many; a process
killed mid-change leaves the previous manifest in force and the next change removes what it left behind.
"""

from __future__ import annotations

from .manifest import IndexProblem, rebuild_hint
from .snapshot import SegmentCache, Snapshot, open_snapshot, verify
from .writer import Change, IndexWriter

__all__ = ["Change", "IndexProblem", "IndexWriter", "SegmentCache", "Snapshot", "open_snapshot", "rebuild_hint", "verify"]
