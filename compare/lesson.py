"""The lesson's ratings of the six methods (its Table 2), and a generated paragraph on where the measurements agree.

The lesson rates complexity, data/compute and customizability from 1 (least) to 5 (most), price in dollar
signs, and implementation effort in words (LO, MED, HIGH). Where the lesson's cell reads "4 or 5" the
rating is carried as the range (4, 5): shown as "4-5 of 5", ranked at its middle, never rounded up.
The lesson has no row for fine-tuning + RAG, so that method is shown without lesson ratings.

Three columns have a measured counterpart in the table, and those are compared by rank (Spearman's rho
over the methods measured in this run): implementation effort against lines of code, data/compute
against one-off set-up seconds, price against seconds per 1,000 requests. Complexity and customizability
have no honest single number here, so they are shown, not scored.
"""

from __future__ import annotations

COLUMNS = [("complexity", "complexity"), ("data_compute", "data / compute"), ("price", "price"),
           ("customizability", "customizability"), ("effort", "implementation effort")]
EFFORT_WORDS = {1: "LO", 2: "MED", 3: "HIGH"}
NOT_RATED = "not rated by the lesson"

# Transcribed from the lesson's Table 2 (see LESSON.md beside this project): a rating is (low, high);
# low == high where the lesson is certain. Price counts dollar signs; effort is 1 LO, 2 MED, 3 HIGH.
RATINGS = {
    "prompting": {"complexity": (1, 1), "data_compute": (1, 1), "price": (1, 1),
                  "customizability": (1, 1), "effort": (1, 1)},
    "finetuning": {"complexity": (2, 2), "data_compute": (4, 5), "price": (2, 2),
                   "customizability": (4, 5), "effort": (2, 2)},
    "rag": {"complexity": (3, 3), "data_compute": (3, 3), "price": (2, 2),
            "customizability": (4, 5), "effort": (2, 2)},
    "agents": {"complexity": (4, 5), "data_compute": (4, 5), "price": (3, 3),
               "customizability": (4, 5), "effort": (2, 2)},
    "custom_ml": {"complexity": (4, 5), "data_compute": (4, 5), "price": (5, 5),
                  "customizability": (4, 5), "effort": (3, 3)},
}

# lesson column -> (row attribute measured here, what it is called in the paragraph)
PAIRS = [("effort", "loc", "lines of code"), ("data_compute", "setup_s", "one-off set-up seconds"),
         ("price", "seconds_per_1000", "seconds per 1,000 requests")]


def rating(demo: str, column: str) -> float | None:
    """The rating as one number for ranking: the middle of a range ("4 or 5" ranks as 4.5)."""
    value = RATINGS.get(demo, {}).get(column)
    return None if value is None else (value[0] + value[1]) / 2


def stars(demo: str, column: str) -> str:
    """The cell as the lesson writes it: "$$", "MED", "3 of 5", or "4-5 of 5" for an uncertain cell."""
    if demo not in RATINGS:
        return "-"
    low, high = RATINGS[demo][column]
    if column == "price":
        return "$" * low
    if column == "effort":
        return EFFORT_WORDS[low]
    return f"{low} of 5" if low == high else f"{low}-{high} of 5"


def rated(demo: str) -> bool:
    return demo in RATINGS


def ranks(values: list[float]) -> list[float]:
    """1-based ranks, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Rank correlation in [-1, 1]; None when either side has no spread."""
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    if sx == 0 or sy == 0:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True)) / (sx * sy)


def compare_column(rows, column: str, attribute: str) -> dict:
    """Rho between the lesson's column and a measured attribute, and the method they disagree on most."""
    pairs = [(r, rating(r.demo, column), getattr(r, attribute)) for r in rows
             if r.ok and rated(r.demo) and getattr(r, attribute) is not None]
    result = {"column": column, "measured": attribute, "methods": len(pairs), "rho": None, "outlier": None}
    if len(pairs) < 3:
        return result
    lesson_rank = ranks([p[1] for p in pairs])
    measured_rank = ranks([p[2] for p in pairs])
    result["rho"] = spearman([p[1] for p in pairs], [p[2] for p in pairs])
    gaps = [abs(a - b) for a, b in zip(lesson_rank, measured_rank, strict=True)]
    worst = max(range(len(pairs)), key=lambda i: gaps[i])
    if gaps[worst] >= 2:
        row = pairs[worst][0]
        result["outlier"] = {"demo": row.demo, "title": row.title, "stars": stars(row.demo, column),
                             "value": pairs[worst][2], "lesson_rank": lesson_rank[worst],
                             "measured_rank": measured_rank[worst]}
    return result


def agreement(rows) -> tuple[str, list[dict]]:
    """The generated paragraph and the per-column numbers it was written from."""
    checks = [compare_column(rows, column, attribute) for column, attribute, _ in PAIRS]
    sentences = [_sentence(check, label) for check, (_, _, label) in zip(checks, PAIRS, strict=True)]
    sentences.append(_quality_sentence(rows))
    sentences.append("Complexity and customizability are the lesson's judgement; nothing here measures them.")
    return " ".join(s for s in sentences if s), checks


def _sentence(check: dict, label: str) -> str:
    name = dict(COLUMNS)[check["column"]]
    if check["rho"] is None:
        return (f"The lesson's {name} could not be checked against {label}: "
                f"{check['methods']} method(s) measured, at least 3 with different values are needed.")
    rho = check["rho"]
    verdict = "agree" if rho >= 0.5 else "partly agree" if rho > 0 else "disagree"
    text = (f"On {name}, the lesson's ratings and the measured {label} {verdict} "
            f"(rank correlation {rho:+.2f} over {check['methods']} methods)")
    outlier = check["outlier"]
    if outlier:
        direction = "higher" if outlier["measured_rank"] > outlier["lesson_rank"] else "lower"
        text += (f"; the largest gap is {outlier['title']}, which ranks {direction} here "
                 f"({_value(outlier['value'])} {label}) than the lesson's {outlier['stars']} suggests")
    return text + "."


def _quality_sentence(rows) -> str:
    scored = [r for r in rows if r.ok and r.value is not None and r.baseline is not None]
    if not scored:
        return "No method's quality was measured beside its baseline in this run."
    # a method at its baseline (0.00 vs 0.00 included) did not beat it: say so by name
    better = [r for r in scored if r.value > r.baseline]
    not_better = [r for r in scored if r.value <= r.baseline]
    words = ", ".join(f"{r.title} {r.value:.2f} vs {r.baseline:.2f}" for r in better)
    text = f"Of the {len(scored)} method(s) measured beside their baseline, {len(better)} beat it"
    text += f" ({words})" if better else ""
    if not_better:
        text += "; " + ", ".join(f"{r.title} ({r.value:.2f} vs {r.baseline:.2f})" for r in not_better)
        text += " did not"
    return text + "; each uses its own metric, so compare a method with its own baseline, not with the others."


def _value(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"
