"""The vector store: one persistent Chroma collection, embedded on disk or on a Chroma server.

    store = open_store("knowledge_base")                                # TAILOR_HOME/chroma, in-process
    store = open_store("kb", chroma_url="http://127.0.0.1:8000")   # a `chroma run` server (HttpClient)

Vectors always come from `tailor.embeddings.Embedder` (the bundled MiniLM) and are handed to Chroma
ready-made, so Chroma's own embedding function (which downloads a model) is never used. The embedding
model's id is written into the collection's metadata when it is created; opening the collection with a
different embedder is an error, because vectors from two models are not comparable and retrieval would
silently go bad.
"""

from __future__ import annotations

import ipaddress
import os
import re
from urllib.parse import urlparse

from tailor.config import home
from tailor.errors import UnreachableError, UsageError

DEFAULT_COLLECTION = "knowledge_base"
MODEL_KEY = "embedding_model"  # collection metadata key holding the embedding model's id
PAGE = 2000  # ids read per call when listing a large collection
# Chroma's rule for a collection name, checked before a store is opened (or created on disk)
COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]")


def chroma_url_from_env() -> str | None:
    """http://HOST:PORT from CHROMA_HOST / CHROMA_PORT, or None for the embedded store."""
    host = os.environ.get("CHROMA_HOST")
    if not host:
        return None
    return f"http://{host}:{os.environ.get('CHROMA_PORT') or '8000'}"


def _client(chroma_url: str | None):
    import chromadb

    settings = chromadb.Settings(anonymized_telemetry=False)
    url = chroma_url or chroma_url_from_env()
    if url is None:
        return chromadb.PersistentClient(path=str(home() / "chroma"), settings=settings), "embedded"
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        raise UsageError(f"--chroma-url {url!r} is not a URL; use http://HOST:PORT")
    try:
        client = chromadb.HttpClient(host=parsed.hostname, port=parsed.port or 8000,
                                     ssl=parsed.scheme == "https", settings=settings)
        client.heartbeat()
    except Exception as error:  # chromadb raises several types for a dead server
        raise UnreachableError(f"the Chroma server at {url} does not answer ({type(error).__name__}); "
                               "start it with `chroma run --path DIR --port PORT` or unset CHROMA_HOST") from error
    return client, url


class Store:
    """A Chroma collection plus the embedder that made its vectors, and a cached BM25 index over it."""

    def __init__(self, collection, embedder, location: str):
        self.collection = collection
        self.embedder = embedder
        self.location = location  # "embedded" or the server's URL, for messages
        self._bm25 = None  # (index, ids, texts, metadatas), rebuilt after any write
        self._max_batch = None  # asked of Chroma once

    @property
    def name(self) -> str:
        return self.collection.name

    def count(self) -> int:
        return self.collection.count()

    def embed(self, texts: list[str]):
        return self.embedder.embed(texts).vectors

    def upsert(self, ids, texts, metadatas, vectors=None) -> None:
        """Write chunks: one Chroma call when they fit its batch limit (a document lands whole or not at all),
        else several, in order (a process killed between them leaves extra chunks the next ingest completes)."""
        if not ids:
            return
        vectors = self.embed(texts) if vectors is None else vectors
        size = self.max_batch()
        for start in range(0, len(ids), size):
            end = start + size
            self.collection.upsert(ids=list(ids[start:end]), documents=list(texts[start:end]),
                                   metadatas=list(metadatas[start:end]), embeddings=vectors[start:end])
        self._bm25 = None

    def delete(self, ids) -> None:
        ids, size = list(ids), self.max_batch()
        for start in range(0, len(ids), size):
            self.collection.delete(ids=ids[start:start + size])
        if ids:
            self._bm25 = None

    def max_batch(self) -> int:
        """The most records one Chroma call takes (5,461 on the embedded store); larger writes are split."""
        if self._max_batch is None:
            client = getattr(self.collection, "_client", None)
            try:
                self._max_batch = int(client.get_max_batch_size())
            except (AttributeError, TypeError, ValueError):  # a client that does not say: the embedded limit
                self._max_batch = 5461
        return self._max_batch

    def ids_by_origin(self) -> dict[str, set[str]]:
        """Every document in the collection (keyed by its origin, rag/loaders.py) and its chunk ids.

        Chunks written before origins existed are keyed "source:<source>", so re-ingesting their folder
        replaces them instead of leaving duplicates beside the new ones.
        """
        found: dict[str, set[str]] = {}
        for offset in range(0, self.count(), PAGE):
            page = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            for chunk_id, meta in zip(page["ids"], page["metadatas"], strict=False):
                key = meta.get("origin") or f"source:{meta.get('source', '')}"
                found.setdefault(key, set()).add(chunk_id)
        return found

    def ids_by_source(self) -> dict[str, set[str]]:
        """Every source in the collection and the chunk ids it holds."""
        found: dict[str, set[str]] = {}
        for offset in range(0, self.count(), PAGE):
            page = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            for chunk_id, meta in zip(page["ids"], page["metadatas"], strict=False):
                found.setdefault(meta.get("source", ""), set()).add(chunk_id)
        return found

    def all_chunks(self):
        """(ids, texts, metadatas) of the whole collection, in a stable order."""
        ids, texts, metas = [], [], []
        for offset in range(0, self.count(), PAGE):
            page = self.collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
            ids += page["ids"]
            texts += page["documents"]
            metas += page["metadatas"]
        return ids, texts, metas

    def bm25(self):
        """The keyword index over every chunk, built on first use after a write (bm25s)."""
        if self._bm25 is None:
            from rag.keyword import build_index

            ids, texts, metas = self.all_chunks()
            self._bm25 = (build_index(texts), ids, texts, metas)
        return self._bm25


def open_store(collection_name: str = DEFAULT_COLLECTION, chroma_url: str | None = None,
               embedder=None) -> Store:
    """Open (or create) a collection; refuse one whose vectors came from another embedding model."""
    from tailor.embeddings import Embedder

    check_collection_name(collection_name)
    embedder = embedder or Embedder()
    client, location = _client(chroma_url)
    from chromadb.errors import InvalidArgumentError

    try:
        collection = client.get_or_create_collection(
            collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
            metadata={MODEL_KEY: embedder.model_id})
    except (InvalidArgumentError, ValueError) as error:  # a rule check_collection_name does not know
        raise UsageError(f"Chroma refuses collection {collection_name!r}: {error}") from error
    stored = (collection.metadata or {}).get(MODEL_KEY)
    if stored != embedder.model_id:
        raise UsageError(f"collection {collection_name!r} holds vectors from embedding model {stored!r}, "
                         f"not {embedder.model_id!r}; use the same model or ingest into a new collection")
    return Store(collection, embedder, location)


def check_collection_name(name: str) -> None:
    """Chroma's naming rule, said in one line before any store is opened: 3 to 512 of [A-Za-z0-9._-],
    starting and ending with a letter or digit, no "..", and not an IP address."""
    valid = COLLECTION_NAME.fullmatch(name) and ".." not in name
    try:
        ipaddress.ip_address(name)
        valid = False
    except ValueError:
        pass
    if not valid:
        raise UsageError(f"collection name {name!r} is not allowed: use 3 to 512 letters, digits, '.', '_' or "
                         "'-', starting and ending with a letter or digit (e.g. team_docs)")
