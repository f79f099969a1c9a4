"""Scores the four ways on the held-out ideas: `python -m advise.evaluate [--ways rules,prompt] [--limit N]`.

For each way: accuracy of the primary method, accuracy of the full label (primary and supporting both
right), a confusion matrix over the six methods (rows: true, columns: predicted) and the time per idea.
The baseline beside them is the majority class of the training split (what always guessing the most
common method scores). Models are loaded and the classifiers fitted before the clock starts, so the
time per idea is the answering time, embedding included. The refusal check is scored too: held-out
ideas it accepts, held-out non-app texts it refuses. Results go to runs/eval/advise.json; the best
way there becomes `tailor advise`'s default.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import datetime, timezone

from advise.advisor import WAYS, Advisor, eval_path
from advise.gate import looks_like_app
from advise.methods import METHODS
from tailor.cliutil import positive_int
from tailor.errors import UsageError
from tailor.runfiles import write_json


def confusion(truth: list[str], predicted: list[str]) -> list[list[int]]:
    """Counts[true][predicted] over METHODS, in METHODS order."""
    index = {m: i for i, m in enumerate(METHODS)}
    matrix = [[0] * len(METHODS) for _ in METHODS]
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t]][index[p]] += 1
    return matrix


def score(test, predictions: list[dict], seconds: float) -> dict:
    primary = [p["primary"] for p in predictions]
    n = len(test)
    return {
        "n": n,
        "primary_accuracy": round(sum(p == i.primary for p, i in zip(primary, test, strict=True)) / n, 4),
        "full_accuracy": round(sum((p["primary"], p["supporting"]) == i.label
                                   for p, i in zip(predictions, test, strict=True)) / n, 4),
        "confusion": confusion([i.primary for i in test], primary),
        "seconds_per_idea": round(seconds / n, 4),
    }


def majority_baseline(train, test) -> dict:
    common = Counter(i.primary for i in train).most_common(1)[0][0]
    hits = sum(i.primary == common for i in test)
    return {"method": common, "primary_accuracy": round(hits / len(test), 4)}


def score_gate(advisor: Advisor, ideas: list[str], vectors) -> dict:
    accepted = [looks_like_app(t, p)[0] for t, p in zip(ideas, advisor.app_probability(vectors), strict=True)]
    others = advisor.not_apps_test
    others_p = advisor.app_probability(advisor.embed(others))
    refused = [not looks_like_app(t, p)[0] for t, p in zip(others, others_p, strict=True)]
    return {"ideas_accepted": sum(accepted), "ideas": len(ideas),
            "non_apps_refused": sum(refused), "non_apps": len(others)}


def best_of(ways: dict) -> str:
    """Highest primary accuracy; ties go to the higher full accuracy, then to the faster way."""
    return max(ways, key=lambda w: (ways[w]["primary_accuracy"], ways[w]["full_accuracy"],
                                    -ways[w]["seconds_per_idea"]))


def spread(test, limit: int):
    """The first `limit` held-out ideas taken in turn from each method, so a small run covers all six."""
    queues = [[i for i in test if i.primary == m] for m in METHODS]
    order = [q[k] for k in range(max(map(len, queues))) for q in queues if k < len(q)]
    return order[:limit]


def warm_up(advisor: Advisor, ways) -> None:
    """Load models and fit (or load) the classifiers first, so the times are per idea, not per start."""
    if {"classifier", "combined"} & set(ways):
        advisor.embed(["warming up the embedding model"])
        for way in {"classifier", "combined"} & set(ways):
            advisor.model(with_rules=way == "combined")
    if "prompt" in ways:
        advisor.backend().load()  # the local backend loads lazily


def evaluate(advisor: Advisor, ways=WAYS, limit: int | None = None) -> dict:
    unknown = [w for w in ways if w not in WAYS]
    if unknown or not ways:
        raise UsageError(f"unknown way(s) {unknown}; choose from {', '.join(WAYS)}")
    test = spread(advisor.test, limit) if limit else advisor.test
    texts = [i.idea for i in test]
    warm_up(advisor, ways)
    started = time.perf_counter()
    vectors = advisor.embed(texts)
    embed_seconds = time.perf_counter() - started  # charged to the ways that need the embeddings
    results, backend_info = {}, {}
    for way in ways:
        started = time.perf_counter()
        predictions = advisor.predict(way, texts, vectors)
        seconds = time.perf_counter() - started + (embed_seconds if way in ("classifier", "combined") else 0)
        results[way] = score(test, predictions, seconds)
        if way == "prompt":
            backend_info = {"backend": predictions[0]["backend"], "model": predictions[0]["model"]}
        print(f"  {way:<11} primary {results[way]['primary_accuracy']:.3f}  "
              f"full {results[way]['full_accuracy']:.3f}  {results[way]['seconds_per_idea']:.3f} s/idea",
              file=sys.stderr, flush=True)
    complete = limit is None and set(ways) == set(WAYS)
    return {
        "demo": "advise", "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **backend_info, "embedder": "all-MiniLM-L6-v2 (bundled)", "n_train": len(advisor.train),
        "n_test": len(test), "limit": limit, "methods": list(METHODS), "ways": results,
        "baseline": majority_baseline(advisor.train, test), "gate": score_gate(advisor, texts, vectors),
        # Only a full run over all four ways may set the default way of `tailor advise`.
        "best_way": best_of(results) if complete else None,
    }


def format_report(report: dict) -> str:
    base = report["baseline"]
    lines = [f"held-out ideas: {report['n_test']} (trained on {report['n_train']})",
             f"{'way':<12}{'primary':>9}{'full':>8}{'s/idea':>10}",
             f"{'majority':<12}{base['primary_accuracy']:>9.3f}{'':>8}{'':>10}   (always '{base['method']}')"]
    for way, r in report["ways"].items():
        lines.append(f"{way:<12}{r['primary_accuracy']:>9.3f}{r['full_accuracy']:>8.3f}"
                     f"{r['seconds_per_idea']:>10.3f}")
    shown = report["best_way"] or max(report["ways"], key=lambda w: report["ways"][w]["primary_accuracy"])
    lines.append(f"confusion matrix of {shown} (rows true, columns predicted):")
    lines.append(" " * 14 + "".join(f"{m[:10]:>11}" for m in METHODS))
    for method, row in zip(METHODS, report["ways"][shown]["confusion"], strict=True):
        lines.append(f"{method:<14}" + "".join(f"{c:>11}" for c in row))
    gate = report["gate"]
    lines.append(f"refusal check: accepted {gate['ideas_accepted']}/{gate['ideas']} held-out ideas, "
                 f"refused {gate['non_apps_refused']}/{gate['non_apps']} held-out non-app texts")
    lines.append(f"best way: {report['best_way'] or 'not set (partial run: --limit or a subset of ways)'}")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ways", default=",".join(WAYS), help=f"comma-separated subset of {','.join(WAYS)}")
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="score only N held-out ideas, taken in turn from each method")


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


def run(args) -> int:
    from tailor.cliutil import backend_from_args

    ways = [w.strip() for w in args.ways.split(",") if w.strip()]
    advisor = Advisor(backend_factory=lambda: backend_from_args(args))
    report = evaluate(advisor, ways, args.limit)
    write_json(eval_path(), report)
    print(format_report(report))
    print(f"wrote {eval_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
