"""report.html: one self-contained page (inline CSS, charts as base64 PNG, no script, no link to fetch).

It opens from disk with no network: nothing in it refers to another file or address.
"""

from __future__ import annotations

from html import escape

from compare import markdown as md
from compare import table

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1400px; padding: 0 1rem;
       color: #1f2328; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 12.5px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; } th.lesson, td.lesson { background: #fff8e6; white-space: nowrap; }
tr.failed td { background: #ffebe9; } tr.not-measured td { background: #f6f8fa; color: #57606a; }
.marks { font-size: 11px; color: #57606a; display: block; } .mark-good { color: #1a7f37; }
.charts img { max-width: 100%; margin: 0 1rem 1rem 0; border: 1px solid #d0d7de; }
p.meta { color: #57606a; font-size: 12.5px; }
"""
GOOD_MARKS = ("correct", "cites right", "voice ok", "abstains (right)")


def table_html(header: list[str], rows: list[list[str]], table_id: str | None = None,
               row_classes: list[str] | None = None, lesson_from: int | None = None) -> str:
    def cell(tag: str, index: int, value: str) -> str:
        css = ' class="lesson"' if lesson_from is not None and index >= lesson_from else ""
        return f"<{tag}{css}>{escape(str(value))}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = []
    for n, row in enumerate(rows):
        css = f' class="{row_classes[n]}"' if row_classes else ""
        body.append(f"<tr{css}>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render(results: dict, charts: dict[str, str]) -> str:
    price = results["price"]
    rows = results["rows"]
    parts = [f"<h1>The six methods side by side ({'quick' if results['quick'] else 'full'} run)</h1>",
             f"<p>{escape(md.INTRO)}</p>", *(f'<p class="meta">{escape(line)}</p>'
                                              for line in md.measured_with(results) if line),
             "<h2>The trade-off table</h2>",
             table_html(table.headers(price["model"]), [table.cells(r) for r in rows], "tradeoff",
                        [r["status"].replace(" ", "-") for r in rows]),
             f'<p class="meta">{escape(md.price_note(price))}</p>',
             "<h2>The lesson's ratings</h2>",
             table_html(table.lesson_headers(), [table.lesson_cells(r) for r in rows], "lesson", lesson_from=1),
             f'<p class="meta">{escape(md.LESSON_NOTE)}</p>',
             "<h2>Where the measurements and the lesson agree</h2>", f"<p>{escape(results['agreement'])}</p>",
             _notes(rows), _charts(charts), _side_by_side(results.get("side_by_side")),
             _baselines(results), _advise(results.get("advise"))]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>tailor: the six methods side by side</title>"
            f"<style>{STYLE}</style></head><body>\n"
            + "\n".join(p for p in parts if p) + "\n</body></html>\n")


def _notes(rows: list[dict]) -> str:
    items = [f"<li>{escape(r['title'])}: {escape(n)}</li>" for r in rows for n in r.get("notes", [])]
    return f"<ul>{''.join(items)}</ul>" if items else ""


CHART_TITLES = {"quality_vs_cost": "Quality against cost", "latency": "Latency per method",
                "four_way": "The four course-tutor variants"}


def _charts(charts: dict[str, str]) -> str:
    if not charts:
        return "<h2>Charts</h2><p>No chart: nothing was measured to draw.</p>"
    images = "".join(f'<img alt="{escape(CHART_TITLES.get(name, name))}" src="data:image/png;base64,{png}">'
                     for name, png in charts.items())
    return f'<h2>Charts</h2><div class="charts">{images}</div>'


def _side_by_side(section: dict | None) -> str:
    title = "<h2>Side by side: the same course questions, four ways</h2>"
    if not section:
        return f"{title}<p>{escape(md.NO_FOUR_WAY)}</p>"
    head = "".join(f"<th>{escape(c['label'])}</th>" for c in section["columns"])
    body = []
    for row in section["rows"]:
        cells = "".join(_answer_cell(row["cells"][c["name"]]) for c in section["columns"])
        body.append(f"<tr><td>{escape(row['question'])}</td>{cells}</tr>")
    return f'{title}<table id="side-by-side"><thead><tr><th>question</th>{head}</tr></thead>' \
           f"<tbody>{''.join(body)}</tbody></table>"


def _answer_cell(cell: dict) -> str:
    marks = ", ".join(f'<span class="mark-good">{escape(m)}</span>' if m in GOOD_MARKS else escape(m)
                      for m in cell["marks"])
    return f'<td><span class="marks">{marks}</span>{escape(cell["answer"])}</td>'


def _baselines(results: dict) -> str:
    parts = ["<h2>The agent and the classifier beside the baselines that do without them</h2>"]
    agent, classifier = results.get("agent_baseline"), results.get("classifier_baseline")
    parts.append(table_html(md.AGENT_HEADER, md.agent_rows(agent), "agent-baseline") if agent
                 else "<p>Agent: not measured.</p>")
    parts.append(table_html(md.CLASSIFIER_HEADER, md.classifier_rows(classifier), "classifier-baseline")
                 if classifier else "<p>Classifier: not measured.</p>")
    return "".join(parts)


def _advise(advise: dict | None) -> str:
    if advise is None:
        return ""
    title = "<h2>Which method? The advisor's own evaluation</h2>"
    result = advise.get("result")
    if not result:
        return f"{title}<p>{escape(advise['status'])}: {escape(advise['reason'])}</p>"
    return (f"{title}<p>{escape(md.advise_caption(result))}</p>"
            + table_html(md.ADVISE_HEADER, md.advise_rows(result), "advise"))
