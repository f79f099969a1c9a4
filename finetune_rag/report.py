"""Printing the comparison: the side-by-side table, example answers, and the expected finding, checked.

The expected finding: fine-tuning brings the voice but not the facts, retrieval brings the facts but not
the voice, and the grounded adapter with retrieval brings both. Each clause is tested on the measured
rates with a margin, and said plainly to hold or not.
"""

from __future__ import annotations

MARGIN = 0.10  # a difference of at least 10 points counts as "brings"; under it, as "does not"
COLUMNS = [("correctness", "correct"), ("citation_correctness", "cited ok"), ("voice_compliance", "voice"),
           ("abstention", "abstains"), ("false_abstention", "false abst."), ("latency_s", "s/answer"),
           ("prompt_tokens", "prompt tok"), ("completion_tokens", "answer tok")]


def _cell(key: str, value) -> str:
    if value is None:
        return "n/a"
    if key in ("latency_s",):
        return f"{value:.2f}"
    if key.endswith("tokens"):
        return f"{value:.0f}"
    return f"{100 * value:.0f}%"


def print_table(document: dict) -> None:
    variants = document["variants"]
    print(f"\n{document['items']} questions, backend {document['backend']}, k={document['k']} passages"
          + (f", a right section retrieved for {100 * document['retrieval_recall']:.0f}% of answerable ones"
             if document.get("retrieval_recall") is not None else "")
          + (f"; the sentences shown hold every fact for {100 * document['extractive_recall']:.0f}%"
             if document.get("extractive_recall") is not None else ""))
    header = f"{'variant':<14}" + "".join(f"{title:>12}" for _, title in COLUMNS)
    print(header)
    print("-" * len(header))
    for name, numbers in variants.items():
        print(f"{name:<14}" + "".join(f"{_cell(key, numbers.get(key)):>12}" for key, _ in COLUMNS))
    if document.get("abstention_calibration"):
        cal = document["abstention_calibration"]
        print(f"abstention gate: {cal['method']}"
              + (f", fold thresholds {', '.join(f'{t:.3f}' for t in cal['fold_thresholds'])}"
                 if "fold_thresholds" in cal else f", threshold {cal['threshold']}"))
    if document.get("baseline"):
        print(f"(baseline: {document['baseline']}, {variants[document['baseline']]['label']})")


def example_ids(document: dict, count: int = 2) -> list[str]:
    """One answerable question (the first) and one the notes do not answer, when there is one."""
    rows = next(iter(document["answers"].values()))
    answerable = [r["id"] for r in rows if "correct" in r]
    other = [r["id"] for r in rows if "correct" not in r]
    return (answerable[:1] + other[:1] + answerable[1:])[:count]


def print_examples(document: dict) -> None:
    for qid in example_ids(document):
        print(f"\nQ ({qid}): {document['questions'][qid]}")
        for name, rows in document["answers"].items():
            row = next(r for r in rows if r["id"] == qid)
            marks = [("correct" if row.get("correct") else "wrong") if "correct" in row else
                     ("abstains" if row["abstained"] else "answers anyway"),
                     "voice ok" if row["voice"] else "voice off"]
            print(f"  {name:<13} [{', '.join(marks)}] {' '.join(row['answer'].split())[:300]}")


def finding(variants: dict) -> dict:
    """Each clause of the expected finding, with the numbers it rests on, and whether all of them hold."""
    needed = {"base", "ft", "rag", "ft+rag"}
    if not needed <= variants.keys():
        return {"holds": None, "clauses": [],
                "summary": "The expected finding needs base, ft, rag and ft+rag; not all of them ran."}

    def get(name, key):
        return variants[name][key] or 0.0

    gain = {n: (get(n, "correctness") - get("base", "correctness"),
                get(n, "voice_compliance") - get("base", "voice_compliance")) for n in variants}
    clauses = [
        ("fine-tuning (ft) brings the voice but not the facts",
         gain["ft"][1] >= MARGIN and gain["ft"][0] < MARGIN, gain["ft"]),
        ("retrieval (rag) brings the facts but not the voice",
         gain["rag"][0] >= MARGIN and gain["rag"][1] < MARGIN, gain["rag"]),
        ("the grounded adapter with retrieval (ft+rag) brings both",
         gain["ft+rag"][0] >= MARGIN and gain["ft+rag"][1] >= MARGIN, gain["ft+rag"]),
    ]
    lines, holds = [], True
    for text, ok, (facts, tone) in clauses:
        holds = holds and ok
        lines.append(f"  {'holds' if ok else 'does NOT hold'}: {text} "
                     f"(correctness {100 * facts:+.0f} points, voice {100 * tone:+.0f} points vs base)")
    verdict = "The expected finding holds." if holds else "The expected finding does NOT fully hold."
    return {"holds": holds, "margin": MARGIN,
            "clauses": [{"claim": t, "holds": ok, "correctness_gain": round(f, 4), "voice_gain": round(v, 4)}
                        for t, ok, (f, v) in clauses],
            "summary": verdict + "\n" + "\n".join(lines)}
