"""The labelled app ideas (data/advise/ideas.jsonl) and their fixed, seeded train/test split.

The split is stratified by primary method so each of the six methods has held-out ideas; the seed is
fixed, so every way is trained and scored on the same ideas in every run.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from advise.methods import NONE, check_method
from tailor.config import data_dir
from tailor.errors import UsageError
from tailor.runfiles import jsonl_lines

SEED = 13          # fixes the split
TEST_SHARE = 0.25  # a quarter of each method's ideas are held out


@dataclass(frozen=True)
class Idea:
    id: int
    idea: str
    primary: str
    supporting: str  # a method or "none"
    reason: str
    ambiguous: str = ""  # why another label is defensible, where one is

    @property
    def label(self) -> tuple[str, str]:
        return self.primary, self.supporting


def ideas_path() -> Path:
    return data_dir() / "advise" / "ideas.jsonl"


def not_apps_path() -> Path:
    return data_dir() / "advise" / "not_apps.txt"


def load_ideas(path: Path | None = None) -> list[Idea]:
    path = path or ideas_path()
    if not path.is_file():
        raise UsageError(f"the labelled ideas are missing at {path}; restore data/advise/ideas.jsonl")
    return [_parse(row, path, number) for number, row in jsonl_lines(path)]


def _parse(row: dict, path: Path, number: int) -> Idea:
    try:
        return Idea(id=int(row["id"]), idea=row["idea"], primary=check_method(row["primary"]),
                    supporting=check_method(row.get("supporting") or NONE, allow_none=True),
                    reason=row["reason"], ambiguous=row.get("ambiguous", ""))
    except (KeyError, ValueError) as error:
        raise UsageError(f"{path}:{number}: bad labelled idea ({error})") from error


def load_not_apps() -> list[str]:
    """Texts that describe no app: the check that refuses to advise on them is measured on these."""
    return [line.strip() for line in not_apps_path().read_text(encoding="utf-8").splitlines() if line.strip()]


def split_not_apps(texts: list[str], seed: int = SEED) -> tuple[list[str], list[str]]:
    """(train, test) halves of the non-app texts: the check learns from one half, is scored on the other."""
    shuffled = sorted(texts)
    random.Random(seed).shuffle(shuffled)
    half = len(shuffled) // 2
    return shuffled[:half], shuffled[half:]


def split(ideas: list[Idea], seed: int = SEED, test_share: float = TEST_SHARE):
    """(train, test), stratified by primary method, the same every time for the same seed."""
    rng = random.Random(seed)
    train, test = [], []
    for method in sorted({idea.primary for idea in ideas}):
        group = sorted((i for i in ideas if i.primary == method), key=lambda i: i.id)
        rng.shuffle(group)
        cut = max(1, round(len(group) * test_share))
        test.extend(group[:cut])
        train.extend(group[cut:])
    return sorted(train, key=lambda i: i.id), sorted(test, key=lambda i: i.id)


def fingerprint(ideas: list[Idea], extra: list[str] = ()) -> str:
    """A short hash of the training data: a cached classifier is reused only for the same data."""
    text = "\n".join([f"{i.id}|{i.idea}|{i.primary}|{i.supporting}" for i in ideas] + list(extra))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
