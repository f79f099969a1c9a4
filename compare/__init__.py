"""compare: the six methods side by side, measured on this machine (see README.md in this folder).

    from compare import compare_methods, Plan
    folder = compare_methods(Plan(backend="local", quick=True))   # runs or reuses each demo's evaluation
    folder / "report.html", folder / "report.md", folder / "results.json"

Light at import time: matplotlib is imported only when a chart is drawn, nothing here loads a model.
"""

from __future__ import annotations

from compare.runner import Plan

__all__ = ["Plan", "compare_methods", "latest_report"]


def compare_methods(plan: Plan, out=None, sources=None, advise="default"):
    """Run or reuse each evaluation, write the three files (html, md, json); return the folder."""
    from compare import build, report
    from compare.sources import ADVISE, SOURCES

    results = build.collect(plan, SOURCES if sources is None else sources,
                            ADVISE if advise == "default" else advise)
    return report.write(results, out)


def latest_report():
    """The newest report folder under runs_dir()/compare, or None when none was written yet."""
    from compare.report import latest

    return latest()
