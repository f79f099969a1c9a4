"""Which adapter a demo uses (the user's before the shipped one), shipping, and staleness of shipped ones."""

from __future__ import annotations

import json

import pytest

from tailor import adapters
from tailor.errors import UsageError


def _run(folder, card: dict | None = None, weights: bytes = b"w"):
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text("{}")
    (folder / "adapter_model.safetensors").write_bytes(weights)
    (folder / "run_card.json").write_text(json.dumps(card or {}))
    return folder


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    folder = tmp_path / "adapters"
    monkeypatch.setattr(adapters, "SHIPPED_DIR", folder)
    return folder


def test_a_trained_run_comes_before_the_shipped_adapter(tmp_path, shipped, monkeypatch):
    monkeypatch.setenv("TAILOR_RUNS", str(tmp_path / "runs"))
    assert adapters.find("tutor") is None
    _run(shipped / "tutor")
    assert adapters.find("tutor") == adapters.Found(shipped / "tutor", "shipped")
    run = _run(tmp_path / "runs" / "tutor" / "20260101-000000")
    (tmp_path / "runs" / "tutor" / "latest").symlink_to(run.name)
    assert adapters.find("tutor") == adapters.Found(run, "trained")
    assert any("trained by you" in line for line in adapters.describe_all())


def test_ship_refuses_a_run_without_hashes_or_too_big(tmp_path, shipped):
    bare = _run(tmp_path / "bare")
    with pytest.raises(UsageError, match="SHA-256"):
        adapters.ship("tutor", bare)
    card = {"data": {"sha256": "d"}, "base_model_sha256": "b"}
    big = _run(tmp_path / "big", card, weights=b"0" * (adapters.MAX_SHIPPED_BYTES + 1))
    with pytest.raises(UsageError, match="at most 10 MB"):
        adapters.ship("tutor", big)
    good = _run(tmp_path / "good", card)
    target = adapters.ship("tutor", good)
    assert json.loads((target / "run_card.json").read_text()) == card
    assert sorted(p.name for p in shipped.iterdir()) == ["tutor"]  # no staging folder left behind


def test_stale_reasons_name_what_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(adapters, "default_data_sha256", lambda name: "data-now")
    monkeypatch.setattr(adapters, "base_model_sha256", lambda base=None: "base-now")
    fresh = _run(tmp_path / "fresh", {"data": {"sha256": "data-now"}, "base_model_sha256": "base-now"})
    assert adapters.stale_reasons("tutor", fresh) == []
    old = _run(tmp_path / "old", {"data": {"sha256": "data-then"}, "base_model_sha256": "base-then"})
    reasons = adapters.stale_reasons("tutor", old)
    assert len(reasons) == 2 and "training data changed" in reasons[0] and "base model" in reasons[1]


@pytest.mark.parametrize("name", sorted(adapters.KINDS))
def test_each_shipped_adapter_matches_todays_data_and_base_model(name):
    """Fails when the training data or the base model changed since the shipped adapter was trained:
    retrain with the kind's command and `python -m tailor.adapters ship NAME`."""
    folder = adapters.SHIPPED_DIR / name
    if not folder.is_dir():
        pytest.skip(f"no shipped {name} adapter in this checkout")
    assert adapters.stale_reasons(name, folder) == []
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size <= adapters.MAX_SHIPPED_BYTES
