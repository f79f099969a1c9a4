"""Ingest: read files, chunk them, embed the chunks and upsert them into the store, one document at a time.

    stats = ingest(["data/rag/kb"], open_store("knowledge_base"), prune=True)

Each document is written with one upsert of all its chunks, and only then are its old chunks (ids no
longer produced) deleted. So an unchanged file costs nothing, an edited file replaces exactly its changed
chunks, and a process killed in the middle leaves whole documents only: the next ingest finds the
difference and ends with the exact chunk count. `prune=True` removes the chunks of files that are gone
from the folders given.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from rag.chunking import chunk_document
from rag.loaders import SkippedFile, find_files, read_document

BATCH_CHUNKS = 128  # chunks embedded per call


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
    files = find_files(paths)  # raises UsageError for a missing path before anything is written
    stats = IngestStats()
    existing = store.ids_by_source()
    pending = []  # (source, chunks, old ids) of documents that changed
    for path, source in files:
        try:
            text = read_document(path)
        except SkippedFile as skipped:
            stats.skipped.append(str(skipped))
            print(f"warning: skipped {skipped}", file=sys.stderr)
            continue
        stats.files += 1
        chunks, old_ids = chunk_document(text, source), existing.get(source, set())
        if {c.id for c in chunks} == old_ids:
            stats.unchanged += 1
        else:
            pending.append((source, chunks, old_ids))
    _write(store, pending, stats, progress)
    if prune:
        stats.removed += _prune(store, paths, existing, {source for _, source in files})
    stats.total = store.count()
    return stats


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
        vectors = store.embed([c.embedding_text() for doc in fresh for c in doc])
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


def _prune(store, paths, existing: dict[str, set[str]], seen: set[str]) -> int:
    """Delete the chunks of sources owned by `paths` whose files no longer exist."""
    from pathlib import Path

    owned_prefixes = [f"{Path(p).expanduser().resolve().name}/" for p in paths if Path(p).is_dir()]
    owned_names = {Path(p).name for p in paths if Path(p).is_file()}
    removed = 0
    for source, ids in existing.items():
        owned = source in owned_names or any(source.startswith(prefix) for prefix in owned_prefixes)
        if owned and source not in seen:
            store.delete(sorted(ids))
            removed += len(ids)
    return removed
