"""Rebuild tutor_train.jsonl and tutor_eval.jsonl (deterministic: the same files every run).

    .venv/bin/python data/finetuning/make_tutor_data.py

Concept answers come from concepts.py (written by hand); exercises are templated with random numbers
(seed fixed) and a hint instead of the result. 15 concepts and two question phrasings are held out for
the eval set, and eval exercises use numbers whose question never appears in training. Every answer is
checked against the voice rules in finetuning/voice.py before it is written.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))
from concepts import CONCEPTS  # noqa: E402

from finetuning.voice import complies, is_exercise  # noqa: E402

SEED = 7
HELD_OUT_CONCEPTS = 15
TRAIN_EXERCISES_PER_KIND = 16
EVAL_EXERCISES = 30
TRAIN_PHRASINGS = ["What is {t}?", "Can you explain {t} to me?", "I'm confused about {t}. Can you help?",
                   "Could you give me a quick explanation of {t}?",
                   "I have a test tomorrow. What is {t} again?"]
EVAL_PHRASINGS = ["Explain {t} simply, please.", "My teacher mentioned {t} today. What does that mean?"]
EXERCISE_OPENERS = ["", "Can you help me? ", "Homework help: ", "I'm stuck on this one. "]
GUIDE_LINES = ["Let's work it out together rather than me giving you the answer.",
               "You can get this one yourself with a small nudge.",
               "I'll guide you so you can find the answer on your own."]


def exercise(kind: str, rng: random.Random) -> tuple[str, str, str, str]:
    """(question, solution, hint, guiding question) for one templated exercise."""
    if kind == "linear":
        a, x, b = rng.randint(2, 9), rng.randint(2, 12), rng.randint(1, 20)
        return (f"Solve for x: {a}x + {b} = {a * x + b}", str(x),
                f"Undo the addition first by subtracting {b} from both sides, then divide both sides by {a}.",
                f"What do both sides become after you subtract {b}?")
    if kind == "percent":
        p = rng.choice([5, 10, 20, 25, 30, 40, 50, 75])
        n = rng.randint(2, 30) * 20
        return (f"What is {p}% of {n}?", str(n * p // 100),
                f"{p}% means {p} out of every 100, so you can multiply {n} by {p} and then divide by 100.",
                "What do you get for the multiplication step?")
    if kind == "area":
        length, width = rng.randint(3, 15), rng.randint(2, 12)
        return (f"Calculate the area of a rectangle that is {length} cm long and {width} cm wide.",
                str(length * width), "The area of a rectangle is its length multiplied by its width.",
                "Which two numbers will you multiply, and what unit goes with your answer?")
    if kind == "convert":
        n = rng.randint(2, 15)
        return (f"Convert {n} kilometres to metres.", str(n * 1000),
                "There are 1,000 metres in one kilometre, so each kilometre adds another thousand.",
                f"What number do you need to multiply {n} by?")
    if kind == "minutes":
        n = rng.randint(2, 12)
        return (f"How many minutes are in {n} hours?", str(n * 60),
                "Each hour has 60 minutes, so count the minutes hour by hour or multiply.",
                f"What is 60 added to itself {n} times?")
    if kind == "fraction":
        d = rng.randint(5, 12)
        a, b = rng.randint(1, d // 2), rng.randint(1, d // 2 - 1)
        return (f"Work out {a}/{d} + {b}/{d}.", f"{a + b}/{d}",
                "When the denominators are the same, keep the denominator and add only the numerators.",
                f"What do you get when you add {a} and {b}?")
    if kind == "divide":
        q, r = rng.randint(3, 12), rng.randint(3, 12)
        return (f"What is {q * r} divided by {q}?", str(r),
                f"Think of sharing {q * r} sweets into {q} equal groups, "
                f"or ask which number times {q} makes {q * r}.",
                f"Can you count up in steps of {q} until you reach {q * r}?")
    if kind == "mean":
        values = [rng.randint(2, 30) for _ in range(3)]
        values.append(rng.randint(2, 30))
        values[-1] += (4 - sum(values) % 4) % 4  # keep the mean a whole number
        listed = ", ".join(map(str, values[:-1]))
        return (f"Find the mean of {listed} and {values[-1]}.", str(sum(values) // 4),
                "Add the four numbers together first, then divide the total by how many numbers there are.",
                "What total do you get when you add them up?")
    if kind == "speed":
        t = rng.randint(2, 6)
        d = t * rng.randint(30, 110)
        return (f"Calculate the average speed of a car that travels {d} km in {t} hours.", str(d // t),
                "Average speed is distance divided by time, which here gives kilometres per hour.",
                "Which number goes on top when you divide, and which goes underneath?")
    length, width = rng.randint(3, 20), rng.randint(2, 15)
    return (f"Find the perimeter of a rectangle that is {length} m long and {width} m wide.",
            str(2 * (length + width)), "The perimeter adds all four sides: two lengths and two widths.",
            f"What is {length} plus {width}, and what should you do with that sum?")


KINDS = ["linear", "percent", "area", "convert", "minutes", "fraction", "divide", "mean", "speed",
         "perimeter"]


def exercise_record(kind: str, rng: random.Random) -> dict:
    question, solution, hint, guide = exercise(kind, rng)
    question = rng.choice(EXERCISE_OPENERS) + question
    answer = f"Great question! {rng.choice(GUIDE_LINES)} Hint: {hint} {guide}"
    return record(question, answer, "exercise", solution)


def concept_record(phrasing: str, concept: tuple[str, str, str]) -> dict:
    topic, explanation, check = concept
    question = phrasing.format(t=topic)
    question = question[0].upper() + question[1:]
    return record(question, f"Great question! {explanation} {check}", "concept", None)


def record(question: str, answer: str, kind: str, solution: str | None) -> dict:
    assert complies(question, answer, solution), (question, answer)
    assert is_exercise(question) == (kind == "exercise"), question
    return {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}],
            "kind": kind, "solution": solution}


def exercises(count_per_kind: int, rng: random.Random, avoid: set[str]) -> list[dict]:
    """Exercises whose question is not in `avoid` and whose hint never shows the result."""
    out = []
    for kind in KINDS:
        made = 0
        while made < count_per_kind:
            try:
                item = exercise_record(kind, rng)
            except AssertionError:
                continue  # e.g. the hint's own numbers happen to equal the result; draw again
            if item["messages"][0]["content"] not in avoid:
                avoid.add(item["messages"][0]["content"])
                out.append(item)
                made += 1
    return out


def build() -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    concepts = list(CONCEPTS)
    rng.shuffle(concepts)
    held, kept = concepts[:HELD_OUT_CONCEPTS], concepts[HELD_OUT_CONCEPTS:]
    train = [concept_record(p, c) for c in kept for p in rng.sample(TRAIN_PHRASINGS, 3)]
    seen = {r["messages"][0]["content"] for r in train}
    train += exercises(TRAIN_EXERCISES_PER_KIND, rng, seen)
    concepts_held = [concept_record(p, c) for c in held for p in EVAL_PHRASINGS]
    exercises_held = exercises(EVAL_EXERCISES // len(KINDS), rng, seen)
    rng.shuffle(train)
    # alternate the two kinds, so that `--limit N` evaluates a balanced subset
    evaluation = [r for pair in zip(concepts_held, exercises_held, strict=True) for r in pair]
    return train, evaluation


def write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


if __name__ == "__main__":
    train, evaluation = build()
    write(HERE / "tutor_train.jsonl", train)
    write(HERE / "tutor_eval.jsonl", evaluation)
    print(f"wrote {len(train)} training and {len(evaluation)} eval records to {HERE}")
