"""The tour's last step: point at the side-by-side report, refreshing it only when that is cheap.

Running six evaluations takes minutes, too long for a tour. So: when every demo's result can be reused
(its inputs have not changed), the report is rebuilt from them in seconds; otherwise the latest report
is shown, or the command that makes one.
"""

from __future__ import annotations


def run(args) -> str:
    from compare import Plan, compare_methods, latest_report
    from compare.runner import reusable
    from compare.sources import ADVISE, SOURCES
    from tailor.backends import chosen_backend

    model = getattr(args, "model", None)
    plan = Plan(backend=chosen_backend(getattr(args, "backend", None), model).name, model=model, quick=True)
    missing = [s.demo for s in SOURCES if not reusable(s, plan)]
    if not missing:
        folder = compare_methods(plan, advise=ADVISE if reusable(ADVISE, plan) else None)
        print(f"report rebuilt from the demos' current results: {folder / 'report.html'}")
        return f"report: {folder / 'report.html'} (tailor compare --open to view it)"
    folder = latest_report()
    print(f"evaluations not yet run (or out of date) for: {', '.join(missing)}")
    print("make the side-by-side report with `tailor compare --quick` (minutes on 2 cores), "
          "then `tailor compare --open`")
    if folder is not None:
        print(f"latest report: {folder / 'report.html'}")
        return f"latest report: {folder / 'report.html'}; {len(missing)} evaluation(s) out of date"
    return "no report yet: run `tailor compare --quick`"
