"""The report's charts, drawn with matplotlib's Agg backend and embedded as base64 PNG (no files, no network).

    quality_vs_cost   each method's quality metric against its seconds per 1,000 requests, the baseline below
    latency           p50 per request (bar) and p95 (tick) per method, log scale
    four_way          correctness, citation and voice of the four course-tutor variants
A chart with nothing measured to draw is left out (the report says so), never drawn empty.
"""

from __future__ import annotations

import base64
import io

COLORS = {"value": "#1f6feb", "baseline": "#8b949e", "p95": "#d1242f"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit: works on a server and in tests
    import matplotlib.pyplot as plt

    return plt


def _encode(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def quality_vs_cost(rows: list[dict]) -> str | None:
    points = [r for r in rows if r["value"] is not None and r["seconds_per_1000"]]
    if not points:
        return None
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6.4, 3.8))
    for r in points:
        x = r["seconds_per_1000"]
        if r["baseline"] is not None:
            axis.plot([x, x], [r["baseline"], r["value"]], color=COLORS["baseline"], linewidth=1)
            axis.scatter([x], [r["baseline"]], facecolors="none", edgecolors=COLORS["baseline"], zorder=3)
        axis.scatter([x], [r["value"]], color=COLORS["value"], zorder=4)
        axis.annotate(r["title"], (x, r["value"]), textcoords="offset points", xytext=(5, 4), fontsize=8)
    axis.set_xscale("log")
    axis.set_xlabel("seconds per 1,000 requests (log; CPU time on the local model)")
    axis.set_ylabel("own quality metric (0-1)")
    axis.set_title("Quality against cost (hollow: the method's baseline)", fontsize=10)
    axis.grid(alpha=0.3)
    return _encode(figure)


def latency(rows: list[dict]) -> str | None:
    shown = [r for r in rows if (r["latency_p50_s"] or r["latency_mean_s"])]
    if not shown:
        return None
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6.4, 0.5 * len(shown) + 1.2))
    names = [r["title"] for r in shown]
    middle = [r["latency_p50_s"] or r["latency_mean_s"] for r in shown]
    axis.barh(names, middle, color=COLORS["value"], label="p50 (mean where no p50)")
    p95 = [(i, r["latency_p95_s"]) for i, r in enumerate(shown) if r["latency_p95_s"]]
    if p95:
        axis.scatter([v for _, v in p95], [i for i, _ in p95], marker="|", s=200, color=COLORS["p95"],
                     label="p95")
    axis.set_xscale("log")
    axis.invert_yaxis()
    axis.set_xlabel("seconds per request (log; per task for the agent, per row for custom ML)")
    axis.set_title("Latency per method", fontsize=10)
    axis.legend(fontsize=8, loc="lower right")
    axis.grid(alpha=0.3, axis="x")
    return _encode(figure)


FOUR_WAY_MEASURES = [("correctness", "correctness"), ("citation_correctness", "citation"),
                     ("voice_compliance", "voice")]


def four_way(side_by_side: dict | None) -> str | None:
    if not side_by_side or not side_by_side.get("variants"):
        return None
    variants = side_by_side["variants"]
    labels = {c["name"]: c["label"] for c in side_by_side["columns"]}
    if all(v.get(key) is None for v in variants.values() for key, _ in FOUR_WAY_MEASURES):
        return None
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6.4, 3.4))
    width = 0.8 / len(FOUR_WAY_MEASURES)
    for k, (key, label) in enumerate(FOUR_WAY_MEASURES):
        values = [variants[n].get(key) or 0.0 for n in variants]
        axis.bar([i + k * width for i in range(len(variants))], values, width, label=label)
    axis.set_xticks([i + width for i in range(len(variants))], [labels.get(n, n) for n in variants],
                    fontsize=8)
    axis.set_ylim(0, 1)
    axis.set_ylabel("share of questions")
    axis.set_title("The four variants on the same course questions", fontsize=10)
    axis.legend(fontsize=8)
    return _encode(figure)


def draw_all(results: dict) -> dict[str, str]:
    """name -> base64 PNG, for the charts that have data."""
    rows = [r for r in results["rows"] if r["status"] in ("measured", "reused")]
    charts = {"quality_vs_cost": quality_vs_cost(rows), "latency": latency(rows),
              "four_way": four_way(results.get("side_by_side"))}
    return {name: png for name, png in charts.items() if png}
