"""`tailor compare [--quick] [--backend ...] [--out DIR] [--open] [--no-run]`: the methods side by side.

Light at import time (nothing heavy here), so `tailor --help` stays instant.
"""

from __future__ import annotations

import sys


def add_commands(subparsers, common) -> None:
    from tailor.cliutil import positive_int

    parser = subparsers.add_parser(
        "compare", parents=[common],
        help="the six methods side by side: run or reuse each evaluation, write a report",
        description="Runs (or reuses, when their inputs have not changed) each demo's evaluation and writes "
                    "runs/compare/<timestamp>/report.html, report.md and results.json.")
    parser.add_argument("--quick", action="store_true", help="small subsets: all six in minutes on 2 cores")
    parser.add_argument("--out", default=None, metavar="DIR", help="write the report here instead")
    parser.add_argument("--open", action="store_true",
                        help="open the report in the browser (alone: open the latest report, run nothing)")
    parser.add_argument("--no-run", action="store_true",
                        help="run no evaluation: report from the results already in runs/eval/")
    parser.add_argument("--timeout", type=positive_int, default=None, metavar="SECONDS",
                        help="time limit per evaluation (default 600 with --quick, 3600 without)")
    parser.set_defaults(func=run_compare)


def run_compare(args) -> int:
    from compare import Plan, compare_methods, latest_report
    from tailor.backends import chosen_backend
    from tailor.errors import UsageError

    if args.open and not (args.quick or args.out or args.no_run):
        folder = latest_report()
        if folder is None:
            raise UsageError("no report yet; make one with `tailor compare --quick` "
                             "(or add --quick to --open)")
        return open_report(folder)
    plan = Plan(backend=chosen_backend(args.backend, args.model).name, model=args.model,
                quick=args.quick, run=not args.no_run,
                timeout_s=args.timeout or (600 if args.quick else 3600))
    folder = compare_methods(plan, out=args.out)
    print_summary(folder)
    return open_report(folder) if args.open else 0


def print_summary(folder) -> None:
    import json

    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    print(f"\n{'method':<22}{'status':<14}quality (vs baseline)")
    for row in results["rows"]:
        quality = "-"
        if row["value"] is not None:
            base = "n/m" if row["baseline"] is None else f"{row['baseline']:.2f}"
            quality = f"{row['metric']}: {row['value']:.2f} vs {base}"
        elif row["reason"] and row["status"] not in ("measured", "reused"):
            quality = row["reason"][:90]
        print(f"{row['title']:<22}{row['status']:<14}{quality}")
    print(f"\n{results['agreement']}\n")
    for name in ("report.html", "report.md", "results.json"):
        print(f"wrote {folder / name}")


def open_report(folder) -> int:
    import webbrowser

    page = (folder / "report.html").resolve()
    if not webbrowser.open(page.as_uri()):
        print(f"no browser found; open {page} yourself", file=sys.stderr)
    else:
        print(f"opened {page}")
    return 0
