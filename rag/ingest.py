"""Ingest: read files, chunk them, embed the chunks and upsert them into the store, one document at a time.

    stats = ingest(["data/rag/kb"], open_store("knowledge_base"), prune=True)

Each document is written with one upsert of all its chunks, and only then are its old chunks (ids no
longer produced) deleted. So an unchanged file costs nothing, an edited file replaces exactly its changed
chunks, and a process killed in the middle leaves whole documents only: the next ingest finds the
difference and ends with the exact chunk count. `prune=True` removes the chunks of files that are gone
from the folders given.

Documents are keyed in the store by their origin, the folder's absolute path plus the path inside it
(rag/loaders.py), so `teamB/docs` never replaces or prunes `teamA/docs`. A document of more chunks than
Chroma takes in one call is written in several (whole only once the last lands; a re-run completes it), and
one over MAX_DOCUMENT_CHUNKS is refused before any embedding. Files passed over (unreadable, a non-UTF-8
name, a link out of the folder, too long) are warned about and listed in the stats; the rest go on.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from rag.chunking import chunk_document
from rag.loaders import SkippedFile, read_document, scan

BATCH_CHUNKS = 128  # chunks embedded per call
# One document's limit, checked before embedding: about 7 MB of text, near an hour of embedding on 2 cores.
# Larger documents are written in several Chroma batches (its own limit is 5,461 records a call).
MAX_DOCUMENT_CHUNKS = 10_000


@dataclass
class IngestStats:
    files: int = 0  # documents read
    unchanged: int = 0  # documents whose chunks were all in the store already
    added: int = 0  # chunks written
    removed: int = 0  # stale chunks deleted (edited or pruned documents)
    skipped: list[str] = field(default_factory=list)  # one line per unreadable file
    total: int = 0  # chunks in the collection afterwards

    def summary(self) -> str:
        return (f"{self.files} files ({self.unchanged} unchanged), {self.added} chunks written, "
                f"{self.removed} removed, {len(self.skipped)} skipped; the collection holds {self.total} chunks")


def ingest(paths, store, prune: bool = False, progress: bool = True) -> IngestStats:
    """Bring the store in line with the files under `paths`; see the module docstring."""
    files, passed_over = scan(paths)  # raises UsageError for a missing or empty path before anything is written
    stats = IngestStats()
    for line in passed_over:
        _skip(stats, line)
    existing = store.ids_by_origin()
    pending = []  # (origin, chunks, old ids) of documents that changed
    for found in files:
        try:
            text = read_document(found.path)
        except SkippedFile as skipped:
            _skip(stats, str(skipped))
            continue
        stats.files += 1
        chunks = chunk_document(text, found.source, found.origin)
        if len(chunks) > MAX_DOCUMENT_CHUNKS:  # said before any embedding, not after minutes of it
            _skip(stats, f"{found.path}: {len(chunks):,} chunks (about {len(text) // 1_000_000 or '<1'} MB of "
                         f"text); the limit is {MAX_DOCUMENT_CHUNKS:,} per document: split the file")
            continue
        # a chunk written before origins existed counts as this document's when its source name matches
        old_ids = existing.get(found.origin, set()) | existing.get(f"source:{found.source}", set())
        if {c.id for c in chunks} == old_ids:
            stats.unchanged += 1
        else:
            pending.append((found.origin, chunks, old_ids))
    _write(store, pending, stats, progress)
    if prune:
        stats.removed += _prune(store, paths, existing, {found.origin for found in files})
    stats.total = store.count()
    return stats


def _skip(stats: IngestStats, line: str) -> None:
    stats.skipped.append(line)
    print(f"warning: skipped {line}", file=sys.stderr)


def _batches(pending, size: int = BATCH_CHUNKS):
    """Groups of whole documents holding about `size` chunks each: embedding is cheaper in batches."""
    group, count = [], 0
    for item in pending:
        group.append(item)
        count += len(item[1])
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group


def _write(store, pending, stats: IngestStats, progress: bool) -> None:
    """Embed each group of documents at once, then write them one document (one upsert) at a time."""
    from tqdm import tqdm

    bar = tqdm(total=sum(len(c) for _, c, _ in pending), desc="ingest", unit="chunk",
               disable=not progress or not pending, file=sys.stderr)
    for group in _batches(pending):
        fresh = [[c for c in chunks if c.id not in old] for _, chunks, old in group]
        vectors = _embed(store, [c.embedding_text() for doc in fresh for c in doc])
        offset = 0
        for (_, chunks, old_ids), new in zip(group, fresh, strict=False):
            store.upsert([c.id for c in new], [c.embedding_text() for c in new], [c.metadata() for c in new],
                         vectors=vectors[offset:offset + len(new)])
            offset += len(new)
            stale = old_ids - {c.id for c in chunks}
            store.delete(sorted(stale))  # only after the new chunks are in: never a half document
            stats.added += len(new)
            stats.removed += len(stale)
            bar.update(len(chunks))
    bar.close()


def _embed(store, texts: list[str]):
    """Vectors for the texts, BATCH_CHUNKS at a time (a long document is one group: memory stays bounded)."""
    import numpy as np

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate([np.asarray(store.embed(texts[start:start + BATCH_CHUNKS]))
                           for start in range(0, len(texts), BATCH_CHUNKS)])


def _prune(store, paths, existing: dict[str, set[str]], seen: set[str]) -> int:
    """Delete the chunks of documents under `paths` (by origin, so another folder of the same name is never
    touched) whose files no longer exist."""
    from pathlib import Path

    folders = [f"{Path(p).expanduser().resolve().as_posix()}/" for p in paths if Path(p).expanduser().is_dir()]
    files = {Path(p).expanduser().resolve().as_posix() for p in paths if Path(p).expanduser().is_file()}
    removed = 0
    for origin, ids in existing.items():
        owned = origin in files or any(origin.startswith(folder) for folder in folders)
        if owned and origin not in seen:
            store.delete(sorted(ids))
            removed += len(ids)
    return removed
