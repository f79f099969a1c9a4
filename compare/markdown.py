"""report.md: the same content as the HTML report, for a terminal or a pull request (charts excepted)."""

from __future__ import annotations

from compare import table

INTRO = ("Every number below was measured by the demo's own evaluation (run or reused by `tailor compare`) "
         "beside its baseline; the lesson's ratings are shown beside the measurements, not derived "
         "from them (transcribed in compare/lesson.py from the lesson's Table 2; \"4-5\" marks a cell the "
         "lesson's copy leaves between 4 and 5).")
LESSON_NOTE = ("Complexity, data / compute and customizability: 1 (least) to 5 (most); price in dollar signs; "
               "implementation effort in the lesson's words. The lesson has no row for fine-tuning + RAG.")
NO_FOUR_WAY = "Not measured: the fine-tuning + RAG evaluation (finetune_rag.json) has no answers."


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *(line(r) for r in rows)]


def render(results: dict) -> str:
    price = results["price"]
    lines = [f"# The six methods side by side ({'quick' if results['quick'] else 'full'} run)", "", INTRO, "",
             *measured_with(results), "", "## The trade-off table", "",
             *md_table(table.headers(price["model"]), [table.cells(r) for r in results["rows"]]), "",
             price_note(price), "", "## The lesson's ratings", "",
             *md_table(table.lesson_headers(), [table.lesson_cells(r) for r in results["rows"]]), "",
             LESSON_NOTE,
             "", "## Where the measurements and the lesson agree", "", results["agreement"], ""]
    notes = [f"- {r['title']}: {note}" for r in results["rows"] for note in r.get("notes", [])]
    if notes:
        lines += ["Notes on the rows:", *notes, ""]
    lines += _side_by_side(results.get("side_by_side"))
    lines += _baselines(results)
    lines += _advise(results.get("advise"))
    return "\n".join(lines) + "\n"


def price_note(price: dict) -> str:
    return (f"USD is projected: each method's measured tokens priced as {price['model']} ({price['source']}, "
            f"table of {price['table_date']}). Seconds per 1,000 requests are measured wall seconds; on the "
            "local backend that is the CPU time the requests cost. n/m = not measured.")


def measured_with(results: dict) -> list[str]:
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    return [f"Created {results['created']} in {results['seconds']:.0f} s on {m['platform']} "
            f"({m['cpus']} CPUs), "
            f"Python {m['python']}; backend {results['backend']}, model {results['model'] or 'n/m'}.",
            "", f"Versions: {versions}."]


def _side_by_side(section: dict | None) -> list[str]:
    lines = ["## Side by side: the same course questions, four ways", ""]
    if not section:
        return lines + [NO_FOUR_WAY, ""]
    header = ["question"] + [c["label"] for c in section["columns"]]
    rows = [[r["question"]] + [_cell_md(r["cells"][c["name"]]) for c in section["columns"]]
            for r in section["rows"]]
    return lines + md_table(header, rows) + [""]


def _cell_md(cell: dict) -> str:
    return f"[{', '.join(cell['marks'])}] {cell['answer']}"


def _pct(value) -> str:
    return "n/m" if value is None else f"{100 * value:.0f}%"


def _num(value, form="{:.2f}") -> str:
    return "n/m" if value is None else form.format(value)


AGENT_HEADER = ["configuration", "task success", "tool calls / task", "argument accuracy", "p50 s / task",
                "tokens / task"]
CLASSIFIER_HEADER = ["who labels the rows", "accuracy", "sensitivity", "s / row", "USD"]
ADVISE_HEADER = ["way", "primary accuracy", "full accuracy", "s / idea"]


def agent_rows(agent: dict) -> list[list[str]]:
    return [[r["name"], _pct(r["success_rate"]), _num(r["tool_calls_per_task"], "{:.1f}"),
             _pct(r["argument_accuracy"]), _num(r["latency_s_p50"], "{:.1f}"),
             _num(r["tokens_per_task"], "{:,.0f}")]
            for r in agent["rows"]]


def classifier_rows(classifier: dict) -> list[list[str]]:
    return [[r["name"], _num(r["accuracy"], "{:.3f}"), _num(r["sensitivity"], "{:.3f}"),
             _num(r["seconds_per_row"], "{:.4f}"), _num(r["usd"], "{:.4f}")] for r in classifier["rows"]]


def advise_rows(result: dict) -> list[list[str]]:
    rows = [[f"baseline: majority class ('{result['baseline_method']}')", _num(result["baseline"], "{:.3f}"),
             "", ""]]
    return rows + [[r["way"], _num(r["primary_accuracy"], "{:.3f}"), _num(r["full_accuracy"], "{:.3f}"),
                    _num(r["seconds_per_idea"], "{:.3f}")] for r in result["rows"]]


def advise_caption(result: dict) -> str:
    return (f"{_num(result['items'], '{:.0f}')} held-out app ideas; best way: "
            f"{result['best_way'] or 'not set (partial run)'}.")


def _baselines(results: dict) -> list[str]:
    lines = ["## The agent and the classifier beside the baselines that do without them", ""]
    agent, classifier = results.get("agent_baseline"), results.get("classifier_baseline")
    lines += md_table(AGENT_HEADER, agent_rows(agent)) if agent else ["Agent: not measured."]
    lines += [""] + (md_table(CLASSIFIER_HEADER, classifier_rows(classifier)) if classifier
                     else ["Classifier: not measured."])
    return lines + [""]


def _advise(advise: dict | None) -> list[str]:
    if advise is None:
        return []
    lines = ["## Which method? The advisor's own evaluation", ""]
    result = advise.get("result")
    if not result:
        return lines + [f"{advise['status']}: {advise['reason']}", ""]
    return lines + [advise_caption(result), "", *md_table(ADVISE_HEADER, advise_rows(result)), ""]
