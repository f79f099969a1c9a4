"""Heading-aware chunking with a size limit and overlap, and deterministic chunk ids.

A Markdown file is cut at its headings first: each section keeps its heading path
("Expense policy > Approval"), so a chunk says where it came from and its heading words help retrieval.
A section longer than MAX_CHARS is split at paragraph, then sentence, boundaries into windows that overlap
by about OVERLAP_CHARS, so a fact on a boundary is whole in at least one chunk.

A chunk's id is a hash of its source, position and text: re-ingesting an unchanged file gives the same ids
(an idempotent upsert), and an edited file gives new ids for exactly the chunks that changed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

MAX_CHARS = 700  # short chunks: the 135M model reads a few short passages better than one long one
OVERLAP_CHARS = 120  # text repeated at the start of the next window of a split section
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass
class Chunk:
    source: str
    position: int  # 0, 1, 2... within the source
    text: str
    headings: list[str] = field(default_factory=list)
    origin: str = ""  # the store's key for the document (rag/loaders.py: Found.origin); "" outside a store

    @property
    def heading_path(self) -> str:
        return " > ".join(self.headings)

    @property
    def id(self) -> str:
        # the origin, when there is one, keeps two folders' `docs/readme.md` apart
        digest = hashlib.sha256(f"{self.origin or self.source}\n{self.position}\n{self.text}".encode()).hexdigest()
        return digest[:24]

    def metadata(self) -> dict:
        meta = {"source": self.source, "position": self.position, "headings": self.heading_path}
        return {**meta, "origin": self.origin} if self.origin else meta

    def embedding_text(self) -> str:
        """What gets embedded and indexed: the heading path gives the chunk its context."""
        return f"{self.heading_path}\n{self.text}" if self.headings else self.text


def sections(text: str) -> list[tuple[list[str], str]]:
    """(heading path, body) for each heading section, in order; text before any heading has no path."""
    found, path, body = [], [], []
    for line in text.splitlines():
        match = HEADING.match(line)
        if match:
            found.append((list(path), "\n".join(body).strip()))
            level = len(match.group(1))
            path = path[:level - 1] + [match.group(2)]
            body = []
        else:
            body.append(line)
    found.append((list(path), "\n".join(body).strip()))
    return [(p, b) for p, b in found if b]


def split_long(text: str, limit: int = MAX_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Windows of at most about `limit` characters, cut between sentences, overlapping by `overlap`."""
    if len(text) <= limit:
        return [text]
    pieces = [p for p in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if p.strip()]
    windows, current = [], ""
    for piece in pieces:
        while len(piece) > limit:  # one sentence longer than a chunk: hard cut
            windows.append(piece[:limit])
            piece = piece[limit - overlap:]
        if current and len(current) + 1 + len(piece) > limit:
            windows.append(current)
            tail = current[-overlap:]
            current = tail[tail.find(" ") + 1:] if " " in tail else tail
        current = f"{current} {piece}".strip()
    if current:
        windows.append(current)
    return windows


def chunk_document(text: str, source: str, origin: str = "") -> list[Chunk]:
    """All chunks of one document, numbered from 0; plain text without headings is one section."""
    chunks = []
    for headings, body in sections(text):
        for window in split_long(body):
            chunks.append(Chunk(source, len(chunks), window, headings, origin))
    return chunks
