"""Ingest on hostile or careless input: two folders of the same name, a non-UTF-8 file name, a document
larger than Chroma's batch limit, an empty path, a link out of the folder. Real Chroma (embedded, in the
test's TAILOR_HOME), the hashing embedder of test_rag.py; seconds in all.
"""

from __future__ import annotations

import os

import pytest
from test_rag import HashEmbedder

import rag.ingest
from rag.ingest import ingest
from rag.store import open_store
from tailor.errors import UsageError


@pytest.fixture
def store():
    return open_store("safety_kb", embedder=HashEmbedder())


def folder(root, files: dict[str, str]):
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def texts_of(store) -> list[str]:
    return sorted(store.all_chunks()[1])


def test_two_folders_with_the_same_name_never_replace_or_prune_each_other(tmp_path, store):
    team_a = folder(tmp_path / "teamA" / "docs", {"readme.md": "Team A deploys on Mondays.",
                                                  "oncall.md": "Team A on-call is Alice."})
    team_b = folder(tmp_path / "teamB" / "docs", {"readme.md": "Team B deploys on Fridays."})
    ingest([team_a], store, progress=False)
    stats = ingest([team_b], store, prune=True, progress=False)
    assert stats.removed == 0 and stats.total == 3
    assert texts_of(store) == ["Team A deploys on Mondays.", "Team A on-call is Alice.", "Team B deploys on Fridays."]
    (team_b / "readme.md").unlink()  # prune of teamB now removes teamB's file only
    assert ingest([team_b], store, prune=True, progress=False).removed == 1
    assert texts_of(store) == ["Team A deploys on Mondays.", "Team A on-call is Alice."]


def test_chunks_from_before_origins_are_replaced_not_duplicated(tmp_path, store):
    from rag.chunking import chunk_document

    docs = folder(tmp_path / "kb", {"vpn.md": "The VPN port is 51820."})
    old = chunk_document("The VPN port was 1194.", "kb/vpn.md")  # written by an older tailor: no origin
    store.upsert([c.id for c in old], [c.text for c in old], [c.metadata() for c in old])
    ingest([docs], store, progress=False)
    assert texts_of(store) == ["The VPN port is 51820."]


def test_a_non_utf8_file_name_is_passed_over_and_the_rest_ingested(tmp_path, store, capsys):
    docs = folder(tmp_path / "kb", {"good.md": "Lunch is at noon."})
    (docs / os.fsdecode(b"caf\xe9.md")).write_text("Coffee is free.")
    stats = ingest([docs], store, progress=False)
    assert stats.total == 1 and len(stats.skipped) == 1 and "not UTF-8" in stats.skipped[0]
    assert "caf\\udce9.md" in capsys.readouterr().err


def test_a_link_out_of_the_folder_is_not_followed(tmp_path, store):
    secret = tmp_path / "outside" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash")
    docs = folder(tmp_path / "kb", {"policy.md": "Badges are worn at all times."})
    (docs / "passwd.txt").symlink_to(secret)
    (docs / "linked-folder").symlink_to(secret.parent, target_is_directory=True)
    (docs / "inside.md").symlink_to(docs / "policy.md")  # a link that stays inside is still read
    stats = ingest([docs], store, progress=False)
    assert not any("root:x" in text for text in texts_of(store))
    assert len(stats.skipped) == 1 and "outside" in stats.skipped[0] and stats.files == 2


def test_a_document_over_chromas_batch_limit_is_written_in_batches(tmp_path, store, monkeypatch):
    monkeypatch.setattr(type(store), "max_batch", lambda self: 7)  # Chroma's real limit is 5,461
    calls = []
    upsert = store.collection.upsert
    monkeypatch.setattr(store.collection, "upsert", lambda **kw: (calls.append(len(kw["ids"])), upsert(**kw)))
    sections = "\n\n".join(f"# Rule {n}\n\nRule number {n} says wear a badge." for n in range(20))
    docs = folder(tmp_path / "kb", {"rules.md": sections})
    stats = ingest([docs], store, progress=False)
    assert stats.total == 20 and calls == [7, 7, 6]
    assert ingest([docs], store, progress=False).unchanged == 1  # and it reads as one whole document


def test_a_document_over_the_limit_is_refused_before_any_embedding(tmp_path, store, monkeypatch, capsys):
    monkeypatch.setattr(rag.ingest, "MAX_DOCUMENT_CHUNKS", 5)
    embedded = []
    monkeypatch.setattr(store, "embed", lambda texts: embedded.append(texts) or HashEmbedder().embed(texts).vectors)
    sections = "\n\n".join(f"# Part {n}\n\nPart {n} of the handbook." for n in range(12))
    docs = folder(tmp_path / "kb", {"handbook.md": sections, "short.md": "Short note."})
    stats = ingest([docs], store, progress=False)
    assert stats.total == 1 and sum(len(t) for t in embedded) == 1  # only short.md was embedded
    assert "12 chunks" in stats.skipped[0] and "limit is 5" in stats.skipped[0]
    assert "split the file" in capsys.readouterr().err


@pytest.mark.parametrize("paths", [[""], ["  "]])
def test_an_empty_path_is_refused_not_read_as_the_current_folder(paths, store, tmp_path, monkeypatch):
    monkeypatch.chdir(folder(tmp_path / "cwd", {"private.md": "Salaries are secret."}))
    with pytest.raises(UsageError, match="empty path"):
        ingest(paths, store, progress=False)
    assert store.count() == 0
