"""compare/ on tiny synthetic inputs: three files, six rows, numbers that follow the inputs, failures kept.

The demos' evaluations are stood in for by small child processes that write JSON shaped like each demo's
own runs_dir()/eval/<demo>.json (or fail, or hang), so these tests run in seconds and load no model.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from compare import Plan, compare_methods, latest_report
from compare.code import lines_of_code
from compare.lesson import agreement, spearman
from compare.rows import Row
from compare.sources import ADVISE, SOURCES
from tailor.config import runs_dir

DEMOS = [s.demo for s in SOURCES]


@pytest.fixture(autouse=True)
def no_charts(request, monkeypatch):
    """Drawing takes seconds on a busy 2-core machine; only the chart tests (and the browser test) draw."""
    if "charts" not in request.node.name:
        monkeypatch.setattr("compare.charts.draw_all", lambda results: {})


def documents(rag_correct: float = 0.5, backend: str = "fake") -> dict[str, dict]:
    """One result per demo (and the advisor), shaped like the demo's own evaluation JSON."""
    common = {"backend": backend, "model": "fake-model", "timestamp": "2026-11-28T12:00:00Z"}
    answers = {v: [{"id": f"q{i}", "answer": f"{v} answer {i}", "voice": i % 2 == 0, "abstained": False,
                    "correct": v.endswith("rag") and i < 3, **({"cited_right": True} if "rag" in v else {})}
                   for i in range(12)] for v in ("base", "ft", "rag", "ft+rag")}
    structured = {"latency_s": {"mean": 2.0, "p50": 1.8, "p95": 3.0}, "mean_prompt_tokens": 200,
                  "mean_completion_tokens": 150}
    variant = {"citation_correctness": 0.5, "voice_compliance": 0.4, "latency_s": 2.5, "prompt_tokens": 300,
               "completion_tokens": 90}
    agent = {"success_rate": 0.75, "latency_s_p50": 6.0, "latency_s_p95": 9.0, "latency_s_mean": 6.5,
             "prompt_tokens_per_task": 900, "completion_tokens_per_task": 60, "tool_calls_per_task": 2.0,
             "argument_accuracy": 0.8}
    no_loop = {"success_rate": 0.25, "latency_s_p50": 2.0, "prompt_tokens_per_task": 300,
               "completion_tokens_per_task": 30}
    return {
        "prompting": {**common, "demo": "prompting", "n_items": 6, "baseline": "zero-shot",
                      "data": {"few_shot_examples": 3}, "items": [{"id": "f1"}],
                      "quality": {"metric": "constraint_adherence", "method": "structured", "value": 0.83,
                                  "baseline_value": 0.33},
                      "techniques": {"structured": structured}},
        "finetuning": {**common, "demo": "finetuning", "items": 6, "adapter": "/nonexistent",
                       "metrics": {"voice": {"all_rules": 0.67}, "mean_latency_s": 1.5},
                       "baseline": {"voice": {"all_rules": 0.17}, "mean_latency_s": 1.4}},
        "rag": {**common, "demo": "rag", "items": 12, "answers": {"answer_correctness": rag_correct},
                "closed_book": {"answer_correctness": 0.1},
                "latency": {"end_to_end_p50_s": 1.25, "end_to_end_p95_s": 4.5}},
        "finetune_rag": {**common, "demo": "finetune_rag", "items": 12, "models": {"base": "fake-model"},
                         "variants": {v: {"correctness": c, **variant} for v, c in
                                      (("base", 0.1), ("ft", 0.15), ("rag", 0.4), ("ft+rag", 0.55))},
                         "answers": answers,
                         "questions": {f"q{i}": f"Course question {i}?" for i in range(12)}},
        "agents": {**common, "demo": "agents", "items": 4, "metric": "success_rate", "value": 0.75,
                   "baseline": 0.25, "best_config": "agent (fake)",
                   "configs": {"agent (fake)": agent, "baseline (fake, no loop)": no_loop}},
        "custom_ml": {**common, "demo": "custom_ml", "items": 143, "classifier": "linear",
                      "train_seconds": 1.9,
                      "metrics": {"roc_auc": 0.99, "accuracy": 0.97, "sensitivity": 0.95},
                      "baseline": {"name": "DummyClassifier(prior)", "roc_auc": 0.5, "accuracy": 0.37,
                                   "sensitivity": 1.0},
                      "llm": {"model": "fake-model", "items": 12,
                              "llm": {"accuracy": 0.4, "sensitivity": 0.5, "seconds_per_row": 1.2},
                              "classifier": {"accuracy": 1.0, "sensitivity": 1.0,
                                             "seconds_per_row": 0.0004}}},
        "advise": {**common, "demo": "advise", "n_test": 12,
                   "ways": {"rules": {"primary_accuracy": 0.5, "full_accuracy": 0.25,
                                      "seconds_per_idea": 0.001}},
                   "baseline": {"method": "rag", "primary_accuracy": 0.2}, "best_way": None},
    }


def write_all(runs: Path, **options) -> dict[str, dict]:
    docs = documents(**options)
    folder = runs / "eval"
    folder.mkdir(parents=True, exist_ok=True)
    for demo, doc in docs.items():
        (folder / f"{demo}.json").write_text(json.dumps(doc), encoding="utf-8")
    return docs


WRITER = ("import json, os, sys; from pathlib import Path; doc = json.loads(sys.argv[2]); "
          "doc['backend'] = os.environ['TAILOR_BACKEND']; "
          "out = Path(os.environ['TAILOR_RUNS']) / 'eval' / (sys.argv[1] + '.json'); "
          "out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(doc)); "
          "counter = Path(os.environ['TAILOR_RUNS']) / (sys.argv[1] + '.runs'); "
          "counter.write_text(str(int(counter.read_text() if counter.exists() else 0) + 1))")


def scripted(docs: dict, fail: dict | None = None, code_folder: Path | None = None):
    """The real sources with their command replaced: write the given JSON, or fail as told."""
    fail = fail or {}
    sources = []
    for source in [*SOURCES, ADVISE]:
        if source.demo in fail:
            command = (sys.executable, "-c", fail[source.demo])
        else:
            command = (sys.executable, "-c", WRITER, source.demo, json.dumps(docs[source.demo]))
        extra = {"code": (str(code_folder),), "data": ()} if code_folder else {}
        sources.append(dataclasses.replace(source, command=command, **extra))
    return sources[:-1], sources[-1]


def rows_of(folder: Path) -> dict[str, dict]:
    return {r["demo"]: r for r in json.loads((folder / "results.json").read_text())["rows"]}


def test_no_run_report_has_all_three_files_and_six_rows_from_the_inputs():
    write_all(runs_dir())
    folder = compare_methods(Plan(backend="fake", run=False))
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.md", "results.json"]
    rows = rows_of(folder)
    assert list(rows) == DEMOS
    assert all(r["status"] == "reused" for r in rows.values())
    assert rows["rag"]["value"] == 0.5 and rows["rag"]["baseline"] == 0.1
    assert rows["agents"]["latency_p95_s"] == 9.0
    assert rows["custom_ml"]["setup_s"] == 1.9
    assert rows["prompting"]["value"] == 0.83 and rows["prompting"]["baseline"] == 0.33
    assert rows["prompting"]["items"] == 6 and rows["prompting"]["data_count"] == 3
    # cost per 1,000 requests follows the measured latency and tokens (prompting: 2 s, 200 + 150 tokens)
    assert rows["prompting"]["seconds_per_1000"] == pytest.approx(2000)
    assert rows["prompting"]["usd_per_1000"] == pytest.approx((200 * 0.15 + 150 * 0.60) / 1000)
    markdown = (folder / "report.md").read_text()
    assert "answer correctness: 0.50 vs 0.10" in markdown
    assert markdown.count("Course question") == 10  # the side-by-side shows 10 of the 12 questions
    assert latest_report() == folder


def test_changing_an_input_changes_the_table():
    write_all(runs_dir(), rag_correct=0.5)
    first = compare_methods(Plan(backend="fake", run=False))
    write_all(runs_dir(), rag_correct=0.75)
    second = compare_methods(Plan(backend="fake", run=False))
    assert first != second
    assert rows_of(first)["rag"]["value"] == 0.5 and rows_of(second)["rag"]["value"] == 0.75
    assert "0.75 vs 0.10" in (second / "report.md").read_text()
    assert "0.75 vs 0.10" not in (first / "report.md").read_text()


def test_a_failing_evaluation_marks_its_row_and_the_rest_is_written():
    docs = documents()
    failing = ("import sys; print('error: variant ft needs the tutor adapter; run tailor tutor train'); "
               "sys.exit(2)")
    sources, advise = scripted(docs, fail={"finetuning": failing})
    folder = compare_methods(Plan(backend="fake", quick=True), sources=sources, advise=advise)
    rows = rows_of(folder)
    assert rows["finetuning"]["status"] == "failed"
    assert "exited 2" in rows["finetuning"]["reason"] and "tutor train" in rows["finetuning"]["reason"]
    assert rows["finetuning"]["value"] is None
    assert {d: r["status"] for d, r in rows.items() if d != "finetuning"} == dict.fromkeys(
        [d for d in DEMOS if d != "finetuning"], "measured")
    # the child saw the requested backend (it wrote it into its result)
    assert rows["rag"]["backend"] == "fake"
    html = (folder / "report.html").read_text()
    assert 'class="failed"' in html and "tutor train" in html


def test_an_evaluation_that_hangs_is_stopped_and_marked_failed():
    sources, advise = scripted(documents(), fail={"rag": "import time; time.sleep(30)"})
    folder = compare_methods(Plan(backend="fake", timeout_s=1), sources=sources[2:3], advise=None)
    row = rows_of(folder)["rag"]
    assert row["status"] == "failed" and "longer than 1 s" in row["reason"]


def test_results_are_reused_until_an_input_changes(tmp_path):
    code = tmp_path / "demo_code"
    code.mkdir()
    (code / "pipeline.py").write_text("x = 1\n")
    sources, _ = scripted(documents(), code_folder=code)
    rag = [s for s in sources if s.demo == "rag"]
    counter = runs_dir() / "rag.runs"
    compare_methods(Plan(backend="fake"), sources=rag, advise=None)
    again = compare_methods(Plan(backend="fake"), sources=rag, advise=None)
    assert counter.read_text() == "1" and rows_of(again)["rag"]["status"] == "reused"
    compare_methods(Plan(backend="local"), sources=rag, advise=None)  # another backend is another input
    assert counter.read_text() == "2"
    (code / "pipeline.py").write_text("x = 2\n")
    changed = compare_methods(Plan(backend="local"), sources=rag, advise=None)
    assert counter.read_text() == "3" and rows_of(changed)["rag"]["status"] == "measured"


def test_a_quick_result_never_stands_in_for_a_full_run():
    sources, _ = scripted(documents())
    rag = [s for s in sources if s.demo == "rag"]
    compare_methods(Plan(backend="fake", quick=True), sources=rag, advise=None)
    compare_methods(Plan(backend="fake", quick=False), sources=rag, advise=None)
    compare_methods(Plan(backend="fake", quick=True), sources=rag, advise=None)  # the full one serves
    assert (runs_dir() / "rag.runs").read_text() == "2"


def test_missing_keys_and_broken_json_are_not_measured_never_a_crash():
    folder = runs_dir() / "eval"
    folder.mkdir(parents=True)
    (folder / "rag.json").write_text(json.dumps({"answers": "unexpected shape"}))
    (folder / "agents.json").write_text("{not json")
    out = compare_methods(Plan(backend="fake", run=False))
    rows = rows_of(out)
    assert rows["rag"]["status"] == "reused" and rows["rag"]["value"] is None
    assert rows["agents"]["status"] == "not measured"
    assert "n/m" in (out / "report.md").read_text()


def test_lines_of_code_skip_blanks_comments_and_docstrings(tmp_path):
    (tmp_path / "a.py").write_text('"""Module\ndocstring."""\n\n# a comment\nimport os\n\n\ndef f():\n'
                                   '    """Doc."""\n    return os.sep  # trailing comment counts as code\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("x = 1\n")
    assert lines_of_code(tmp_path) == 3
    assert lines_of_code(tmp_path / "missing") is None


def _row(demo: str, loc: int) -> Row:
    return Row(demo, demo, demo, status="measured", loc=loc, value=0.6, baseline=0.4)


def test_the_agreement_paragraph_follows_the_measurements():
    order = ["prompting", "rag", "finetuning", "agents", "custom_ml"]  # the lesson's effort order (LO..HIGH)
    agree, checks = agreement([_row(d, 100 * (i + 1)) for i, d in enumerate(order)])
    assert checks[0]["rho"] > 0.5 and "implementation effort, the lesson's ratings and the measured lines of " \
                                      "code agree" in agree
    disagree, checks = agreement([_row(d, 100 * (len(order) - i)) for i, d in enumerate(order)])
    assert checks[0]["rho"] < 0 and "disagree" in disagree
    assert spearman([1, 2, 3], [3, 3, 3]) is None


def test_charts_are_png_images_of_the_measured_rows():
    import base64

    from compare import build, charts

    write_all(runs_dir())
    drawn = charts.draw_all(build.collect(Plan(backend="fake", run=False)))
    assert sorted(drawn) == ["four_way", "latency", "quality_vs_cost"]
    assert all(base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n" for png in drawn.values())
    assert charts.quality_vs_cost([]) is None and charts.four_way(None) is None


def test_cli_open_without_a_report_names_the_command(capsys):
    from tailor.cli import main

    assert main(["compare", "--open"]) == 2
    assert "tailor compare --quick" in capsys.readouterr().err


def test_cli_no_run_writes_into_out(tmp_path, capsys):
    from tailor.cli import main

    write_all(runs_dir())
    assert main(["compare", "--backend", "fake", "--no-run", "--out", str(tmp_path / "report")]) == 0
    assert (tmp_path / "report" / "report.html").is_file()
    assert "answer correctness: 0.50 vs 0.10" in capsys.readouterr().out


def test_tour_points_at_the_command_then_rebuilds_when_every_result_is_reusable(capsys):
    import argparse

    from compare import tour

    args = argparse.Namespace(backend="local", model=None)
    assert "tailor compare --quick" in tour.run(args)
    sources, advise = scripted(documents(backend="local"))
    compare_methods(Plan(backend="local"), sources=sources, advise=advise)
    before = latest_report()
    summary = tour.run(args)  # every evaluation reusable now: the report is rebuilt in seconds
    assert latest_report() != before and str(latest_report()) in summary
    assert all(r["status"] == "reused" for r in rows_of(latest_report()).values())


def test_a_seventh_method_with_the_generic_keys_gets_a_row():
    from compare.readers import fill

    doc = {"metric": "exact match", "value": 0.7, "baseline": 0.2, "latency_p50_s": 0.5, "latency_p95_s": 0.9,
           "prompt_tokens": 10, "completion_tokens": 5, "items": 20, "backend": "fake"}
    row = fill(Row("mine", "my method", "my app"), doc)
    assert (row.metric, row.value, row.baseline, row.latency_p95_s, row.tokens, row.items) == \
        ("exact match", 0.7, 0.2, 0.9, 15, 20)


def test_your_own_fresh_result_is_reused_by_quick_but_not_by_full(tmp_path):
    code = tmp_path / "demo_code"
    code.mkdir()
    (code / "pipeline.py").write_text("x = 1\n")
    sources, _ = scripted(documents(), code_folder=code)
    rag = [s for s in sources if s.demo == "rag"]
    write_all(runs_dir(), rag_correct=0.9)  # as if the user ran `python -m rag.evaluate` after the last edit
    quick = compare_methods(Plan(backend="fake", quick=True), sources=rag, advise=None)
    assert rows_of(quick)["rag"]["status"] == "reused" and rows_of(quick)["rag"]["value"] == 0.9
    assert not (runs_dir() / "rag.runs").exists()
    full = compare_methods(Plan(backend="fake", quick=False), sources=rag, advise=None)
    assert rows_of(full)["rag"]["status"] == "measured" and rows_of(full)["rag"]["value"] == 0.5


def test_lesson_cells_carry_the_lessons_table_and_its_uncertain_cells():
    from compare import lesson, table

    assert lesson.stars("finetuning", "data_compute") == "4-5 of 5"  # the lesson's "4 or 5", not rounded
    assert lesson.stars("rag", "complexity") == "3 of 5"
    assert [lesson.stars(d, "price") for d in ("prompting", "finetuning", "rag", "agents", "custom_ml")] == \
        ["$", "$$", "$$", "$$$", "$$$$$"]
    assert [lesson.stars(d, "effort") for d in ("prompting", "rag", "custom_ml")] == ["LO", "MED", "HIGH"]
    assert lesson.rating("agents", "complexity") == 4.5
    unrated = table.lesson_cells({"demo": "finetune_rag", "title": "fine-tuning + RAG"})
    assert unrated[:2] == ["fine-tuning + RAG", lesson.NOT_RATED]
    assert len(table.lesson_headers()) == len(unrated)


def test_a_method_at_its_baseline_is_reported_as_not_beating_it():
    rows = [Row("rag", "RAG", "rag", status="measured", loc=1, value=0.7, baseline=0.4),
            Row("agents", "agent", "agents", status="measured", loc=1, value=0.0, baseline=0.0)]
    paragraph, _ = agreement(rows)
    assert "1 beat it (RAG 0.70 vs 0.40)" in paragraph
    assert "agent (0.00 vs 0.00) did not" in paragraph
