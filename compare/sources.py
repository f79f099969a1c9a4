"""The six demos as compare/ sees them: how to run each one's evaluation, and what its inputs are.

Each evaluation runs as its own process (`python -m <demo>.evaluate ...`), so a crash, a missing adapter
or a model that does not load costs that row only. `quick` picks small subsets so all six finish in
minutes on 2 cores; the inputs (code folders, data, trained adapters) key the reuse of earlier results.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from tailor import adapters
from tailor.config import data_dir, runs_dir

PY = sys.executable


@dataclass(frozen=True)
class Source:
    demo: str
    title: str
    app: str
    code: tuple[str, ...]  # package folders whose .py files are inputs (the first one is the demo's own)
    data: tuple[str, ...]  # folders or files under data/
    quick: tuple[str, ...]  # the evaluation's arguments in --quick mode
    full: tuple[str, ...] = ()  # ... and in a full run
    prepare: tuple[tuple[str, ...], ...] = ()  # commands run first (e.g. ingest), same process rules
    runs: tuple[str, ...] = ()  # adapter kinds the evaluation loads (tailor/adapters.py; their run cards)
    guess_quick_s: int = 60  # rough duration before any measured run (the estimate shown up front)
    guess_full_s: int = 600
    command: tuple[str, ...] = ()  # a whole command line used instead of `python -m` (custom demos, tests)

    @property
    def eval_file(self) -> Path:
        return runs_dir() / "eval" / f"{self.demo}.json"

    def commands(self, quick: bool) -> list[list[str]]:
        """The argv lists to run, in order: the preparation steps, then the evaluation.

        The backend and model travel as TAILOR_BACKEND / TAILOR_MODEL (see runner.py): every demo reads
        them, and so does a custom command that takes no --backend or --model flag.
        """
        if self.command:
            return [list(self.command)]
        evaluate = [PY, "-m", f"{self.demo}.evaluate", *(self.quick if quick else self.full)]
        return [[PY, *step] for step in self.prepare] + [evaluate]

    def inputs(self) -> list[Path]:
        """Every file the evaluation's result depends on (besides the backend and mode)."""
        root = data_dir().parent
        files = [f for pkg in self.code for f in sorted((root / pkg).rglob("*.py"))]
        for item in self.data:
            path = data_dir() / item
            files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for run in self.runs:  # the adapter the evaluation will load: the user's run, else the shipped one
            found = adapters.find(run)
            files.append((found.path if found else runs_dir() / run / "latest") / "run_card.json")
        return files


SOURCES = [
    Source("prompting", "prompting", "Smart Recipe Generator", ("prompting",), ("prompting",),
           quick=("--limit", "4"), guess_quick_s=120, guess_full_s=900),
    Source("finetuning", "fine-tuning (LoRA)", "brand-voice tutor", ("finetuning",), ("finetuning",),
           quick=("--limit", "6"), runs=("tutor",), guess_quick_s=120, guess_full_s=900),
    Source("rag", "RAG", "knowledge-base assistant", ("rag",), ("rag",),
           quick=("--limit", "12"), guess_quick_s=150, guess_full_s=900),
    Source("finetune_rag", "fine-tuning + RAG", "grounded course tutor",
           ("finetune_rag", "finetuning", "rag"), ("finetune_rag",),
           # 20, not 10: with 8 answerable questions one answer is 12.5 points, and llamacpp's batched
           # decoding varied the base row 0.12-0.38 over three runs of the same code (2026-12-08), enough
           # to flip the verdict; on 17 answerable, two runs gave base 6% both times and ft+rag 76% / 71%
           quick=("--limit", "20", "--variants", "base", "ft", "rag", "ft+rag"),
           prepare=(("-m", "tailor", "course", "ingest"),), runs=("tutor", "course"),
           guess_quick_s=200, guess_full_s=1500),
    Source("agents", "agent (tools)", "restaurant reservation agent", ("agents",), ("agents",),
           quick=("--limit", "6", "--compare-limit", "2"), runs=("agent-tools",),
           guess_quick_s=150, guess_full_s=1200),
    Source("custom_ml", "custom ML", "tabular classifier", ("custom_ml",), ("custom_ml",),
           quick=("--llm", "--limit", "12"), full=("--llm",), guess_quick_s=60, guess_full_s=400),
]
ADVISE = Source("advise", "which method? (advise)", "method advisor", ("advise",), ("advise",),
                quick=("--limit", "12"), guess_quick_s=60, guess_full_s=300)
BY_NAME = {s.demo: s for s in [*SOURCES, ADVISE]}


def data_needed(source: Source, doc: dict) -> tuple[int | None, str]:
    """What the method needed, counted from the bundled data when the evaluation does not say."""
    folder = data_dir() / source.demo
    if source.demo == "rag":
        return _count_files(folder / "kb"), "documents"
    if source.demo == "finetuning":
        return _count_lines(folder / "tutor_train.jsonl"), "training examples"
    if source.demo == "finetune_rag":
        return _count_lines(folder / "raft_train.jsonl"), "RAFT training examples"
    if source.demo == "agents":
        return _count_json(folder / "restaurants.json"), "restaurants (database rows)"
    if source.demo == "custom_ml":
        return _breast_cancer_rows(), "labelled rows"
    return None, ""


def _count_files(folder: Path) -> int | None:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else None


def _count_lines(path: Path) -> int | None:
    if not path.is_file():
        return None
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def _count_json(path: Path) -> int | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return len(value) if isinstance(value, (list, dict)) else None


def _breast_cancer_rows() -> int | None:
    """scikit-learn ships the data as a CSV whose header starts with the row count; read it, no import."""
    try:
        spec = importlib.util.find_spec("sklearn")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    csv = Path(spec.origin).parent / "datasets" / "data" / "breast_cancer.csv"
    try:
        return int(csv.read_text(encoding="utf-8").split(",", 1)[0])
    except (OSError, ValueError):
        return None
