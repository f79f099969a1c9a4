"""Integration tests of the knowledge-base assistant: a killed ingest, a real Chroma server, the real model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rag.answer import answer
from rag.ingest import ingest
from rag.retrieve import retrieve
from rag.store import open_store
from tailor.config import data_dir

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
KB = data_dir() / "rag" / "kb"

# The child ingests one document at a time, announcing each, and sleeps so the parent can kill it mid-way.
KILLED_CHILD = """
import sys, time
sys.path.insert(0, {tests!r})
from test_rag import HashEmbedder
from rag.ingest import ingest
from rag.store import open_store
store = open_store("killed_kb", embedder=HashEmbedder())
upsert = store.upsert
def slow_upsert(*args, **kwargs):
    upsert(*args, **kwargs)
    print("wrote", flush=True)
    time.sleep(0.3)
store.upsert = slow_upsert
ingest([{kb!r}], store, progress=False)
print("finished", flush=True)
"""


def test_killed_ingest_then_reingest_gives_the_exact_count(tmp_path):
    from test_rag import HashEmbedder

    code = KILLED_CHILD.format(tests=str(ROOT / "tests"), kb=str(KB))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    for _ in range(5):  # let five documents land, then kill without warning
        assert child.stdout.readline().strip() == "wrote"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    partial = open_store("killed_kb", embedder=HashEmbedder())
    assert 0 < partial.count()
    stats = ingest([KB], partial, progress=False)
    clean = ingest([KB], open_store("clean_kb", embedder=HashEmbedder()), progress=False)
    assert stats.total == clean.total and partial.ids_by_source() == open_store(
        "clean_kb", embedder=HashEmbedder()).ids_by_source()
    assert retrieve(partial, "Who is the ombudsperson?", k=1)[0].source == "kb/policies/code-of-conduct.md"


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` on a free loopback port, stopped after the test."""
    from conftest import free_port

    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(url: str, server, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            pytest.fail("chroma run exited at start")
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail("chroma run did not answer in time")


class CachingEmbedder:
    """The real embedder, remembering vectors so the second store does not embed the same texts again."""

    def __init__(self):
        from tailor.embeddings import Embedder

        self.inner, self.cache = Embedder(), {}
        self.model_id = self.inner.model_id

    def embed(self, texts, **_):
        from tailor.embeddings import Embeddings

        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed(missing).vectors, strict=True))
        return Embeddings(np.stack([self.cache[t] for t in texts]), self.model_id)


def test_server_store_matches_embedded_store(chroma_server, tmp_path):
    subset = [KB / "policies", KB / "it"]
    embedder = CachingEmbedder()
    embedded = open_store("knowledge_base", embedder=embedder)
    served = open_store("knowledge_base", chroma_url=chroma_server, embedder=embedder)
    assert served.location == chroma_server
    assert ingest(subset, embedded, progress=False).total == ingest(subset, served, progress=False).total
    assert ingest(subset, served, progress=False).added == 0  # idempotent through the server too
    for question in ["How long are database backups kept?", "Which port does the VPN need?",
                     "What is the hotel limit in London?"]:
        ours = [h.id for h in retrieve(embedded, question, k=3)]
        theirs = [h.id for h in retrieve(served, question, k=3)]
        assert ours == theirs


@pytest.fixture(scope="module")
def bundled_kb(tmp_path_factory):
    """The bundled knowledge base, ingested once for the module into its own TAILOR_HOME (a module fixture
    is set up before the per-test home, so it makes its own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TAILOR_HOME", str(tmp_path_factory.mktemp("kb_home")))
        store = open_store("knowledge_base")
        ingest([KB], store, progress=False)
        yield store


@pytest.mark.parametrize("question,source,fact", [
    ("How long are database backups kept?", "policies/data-retention.md", "35 days"),
    ("Which UDP port does the VPN use?", "it/vpn.md", "51820"),
    ("What is the hotel limit per night in London?", "policies/travel.md", "240"),
])
def test_default_answer_cites_the_document_that_holds_it(bundled_kb, question, source, fact):
    """Three answers in three documents: the real embedder, the default (extractive) technique."""
    reply = answer(None, question, retrieve(bundled_kb, question, k=5), embed=bundled_kb.embed)
    assert not reply.abstained and fact in reply.text
    assert reply.citations and all(c.hit.source.endswith(source) for c in reply.citations), reply.sources()


def test_real_model_answer_is_held_to_its_passages(bundled_kb, local_backend):
    question = "What hardware key is used for multi-factor authentication?"
    reply = answer(local_backend, question, retrieve(bundled_kb, question, k=5), embed=bundled_kb.embed,
                   technique="generative", max_tokens=32)
    assert reply.abstained or (reply.citations and all(c.hit.source.endswith("onboarding/accounts.md")
                                                       for c in reply.citations))
    if not reply.abstained:
        assert "yubikey" in reply.text.lower() and reply.text.count("[") >= 1


def test_loading_the_embedder_prints_no_loading_bar():
    """`course ask` and `kb ask` print an answer: the embedder's one-second load shows no "Loading weights"
    bar, even where nothing set the progress-bar environment variables before transformers was imported."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_DISABLE_PROGRESS_BARS", "TQDM_DISABLE")}
    code = "from tailor.embeddings import Embedder; print(Embedder().embed(['a short sentence']).vectors.shape)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "(1, 384)" in done.stdout
    assert "Loading weights" not in done.stderr and "it/s]" not in done.stderr
