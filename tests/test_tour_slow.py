"""`tailor tour` as a new user runs it: an empty TAILOR_HOME and runs folder, the default backend, and
each step's outcome checked, not only that it ran (a recipe that passes its checks, exactly one booking,
four fine-tuning + RAG variants, the voice rules followed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    folder = tmp_path_factory.mktemp("new-user")
    env = {**os.environ, "TAILOR_HOME": str(folder / "home"), "TAILOR_RUNS": str(folder / "runs")}
    env.pop("TAILOR_BACKEND", None)
    done = subprocess.run([sys.executable, "-m", "tailor", "tour"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=900)
    (folder / "tour.out").write_text(done.stdout + "\n--- stderr ---\n" + done.stderr)  # for a failure's reader
    summary = done.stdout.split("=== tour summary ===")[-1].split("=== try next ===")[0]
    lines = {line.split()[0]: line for line in summary.splitlines() if line.strip() and not line.startswith("===")}
    return done, lines, folder


def test_every_step_ran_without_a_failure_or_a_progress_bar(tour):
    done, lines, _ = tour
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "FAILED" not in done.stdout and "skipped:" not in done.stdout  # a variant without its adapter
    assert "Loading weights" not in done.stdout + done.stderr and "it/s]" not in done.stdout + done.stderr
    assert "=== try next ===" in done.stdout


def test_the_recipe_passes_its_checks(tour):
    assert re.search(r"all \d+ checks passed", tour[1]["prompting"]), tour[1]["prompting"]


def test_the_tutor_adapter_follows_every_voice_rule_and_the_base_does_not(tour):
    base, adapter, total = re.search(r"base (\d)/(\d), adapter (\d)/\d", tour[1]["finetuning"]).group(1, 3, 2)
    assert int(adapter) == int(total) > int(base)


def test_the_kb_answer_cites_a_document(tour):
    assert re.search(r"answered from \S+\.md", tour[1]["rag"])


def test_four_finetune_rag_variants_answered(tour):
    summary = tour[1]["finetune_rag"].split("s  ", 1)[1]
    assert summary.startswith("4 variants answered")
    assert re.search(r"ft\+rag \S*voice", summary)  # the grounded tutor keeps the voice rules


def test_the_agent_booked_exactly_one_table(tour):
    line = tour[1]["agents"]
    assert "1 booking(s)" in line and "1 approval(s)" in line


def test_the_classifiers_beat_their_baselines(tour):
    for auc, base in re.findall(r"ROC-AUC ([\d.]+) vs ([\d.]+)", tour[1]["custom_ml"]):
        assert float(auc) > float(base) + 0.2
