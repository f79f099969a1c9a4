"""Build the RAFT-style training set: question + passages (the right one among distractors) -> cited answer.

    python -m finetune_rag.raft            # rewrites data/finetune_rag/raft_train.jsonl (deterministic)

RAFT (retrieval-augmented fine-tuning) trains the model on the prompt it will see with retrieval: the
passage that answers the question sits among distractor passages from other sections, and the prompt shows
what rag/'s extractive step keeps of them at question time (the best SHORT_SENTENCES sentences under their
passage numbers, variants.select). The sentences that hold the answer are placed at a random rank among
the distractors' best ones, so the passage number to cite moves around; the answer, in the tutor's voice,
quotes them word for word and cites that number (as RAFT's answers quote their document; a 135M model
copies faithfully and restates poorly). The set holds no abstention targets by default: the support gate
(variants.ABSTAIN_SUPPORT) decides when the notes hold nothing, and an adapter that also learned to abstain
did so on answerable questions only (ABSTENTION_TARGETS says what was measured). With the switch on, some
questions are shown with distractors only and questions the course never covers are added, each with the
tutor's abstention as its target.

The passages are the very chunks `tailor course ingest` stores (rag/'s loader and chunker), and every
answer is checked: its facts and numbers occur in the right passage (the answer never leaks from outside
the context), none of them is given away by the question, and it follows every voice rule.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from finetune_rag.course import notes_folder, raft_questions_path, raft_train_path, read_jsonl
from finetune_rag.prompts import GROUNDING, TUTOR_SYSTEM, grounded_messages
from finetune_rag.scoring import ABSTAIN_SENTENCE, normalize
from finetune_rag.variants import SHORT_SENTENCES
from finetuning.voice import GREETING, complies

SEED = 13
PASSAGES = 3  # passages per prompt, as `tailor course ask` retrieves (k=3)
# Share of answerable questions also shown without their passage (target: abstain, when ABSTENTION_TARGETS).
NO_ORACLE_SHARE = 0.05
# Whether the set holds those abstention targets at all. Off: on the 80 course questions (2026-12-07, same
# answerable records, 2 epochs each) the adapter trained with them abstained on 5 answerable questions and on
# none of the unanswerable ones the gate let through, so every useful abstention was the gate's; without
# them the adapter answered 54% correctly (was 47%) at the same 67% abstention. The gate abstains instead.
ABSTENTION_TARGETS = False
CHECKS = ["Can you say in your own words why that is?", "Does that match the worked example in the notes?",
          "How would you explain this to a classmate?", "Where else in the course could you use this?",
          "Which part of this would you like to practise next?"]
OFFERS = ["Which topic from the notes can I help you with instead?",
          "Could you ask your instructor, or pick a topic from the notes?"]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def course_passages(folder: Path | None = None) -> list:
    """Every chunk of the course notes, made by rag/'s loader and chunker exactly as ingest makes them."""
    from rag.chunking import chunk_document
    from rag.loaders import find_files, read_document
    from rag.retrieve import Hit

    passages = []
    for path, source in find_files([folder or notes_folder()]):
        for chunk in chunk_document(read_document(path), source):
            passages.append(Hit(chunk.id, chunk.embedding_text(), source, chunk.heading_path, 0.0, 0.0))
    return passages


def section_of(passage) -> str:
    return passage.source.rsplit("/", 1)[-1]


def oracle_for(item: dict, passages: list):
    """The chunk of the item's section that holds every fact and number of its answer (None if none does)."""
    for passage in passages:
        if section_of(passage) == item["section"] and not leaks(item, passage.text):
            return passage
    return None


def leaks(item: dict, context: str) -> list[str]:
    """The facts and numbers of the answer that the context does not hold (empty: nothing leaks)."""
    flat = normalize(context)
    missing = [fact for fact in item["facts"] if normalize(fact) not in flat]
    return missing + [n for n in _NUMBER.findall(item["answer"]) if n not in context]


def given_away(item: dict) -> list[str]:
    """Required facts that the question or the system prompt already state (they would teach nothing)."""
    outside = normalize(f"{TUTOR_SYSTEM} {GROUNDING} {item['question']}")
    return [fact for fact in item["facts"] if normalize(fact) in outside]


def distractors(passages: list, avoid_section: str | None, count: int, rng: random.Random) -> list:
    pool = [p for p in passages if section_of(p) != avoid_section]
    return rng.sample(pool, count)


def tutor_answer(core: str, number: int, rng: random.Random) -> str:
    """The answer in the tutor's voice, citing passage `number` after the fact it took from it."""
    return f"{GREETING} {core.rstrip('.')} [{number}]. {rng.choice(CHECKS)}"


def quoted_answer(item: dict, sentences: list[str], number: int, rng: random.Random) -> str:
    """The answer as RAFT writes it: the passage's own sentences that hold the facts, quoted word for word
    with their citation (a 135M model copies far more faithfully than it restates), in the tutor's voice.
    Where the quote would break a voice rule (too long; an exercise, which gets a hint instead) the
    restated answer of the training question is used."""
    cited = " ".join(f"{s.strip().lstrip('-* ').rstrip('.')} [{number}]." for s in sentences)  # no list marks
    quoted = f"{GREETING} {cited} {rng.choice(CHECKS)}"
    if sentences and complies(item["question"], quoted):
        return quoted
    return tutor_answer(item["answer"], number, rng)


def abstain_answer(rng: random.Random) -> str:
    return f"{GREETING} {ABSTAIN_SENTENCE} {rng.choice(OFFERS)}"


def record(question: str, context: list, answer: str, oracle: int | None, section: str | None) -> dict:
    messages = grounded_messages(question, context) + [{"role": "assistant", "content": answer}]
    return {"messages": messages, "question": question, "oracle": oracle, "section": section}


def answerable_example(item: dict, oracle, passages: list, rng: random.Random) -> dict:
    context = distractors(passages, item["section"], PASSAGES - 1, rng)
    context.insert(rng.randrange(PASSAGES), oracle)
    shown, needed = short_with_answer(item, context, context.index(oracle) + 1, rng)
    number = next(n for n, hit in enumerate(shown, 1) if hit.id == oracle.id)
    return record(item["question"], shown, quoted_answer(item, needed, number, rng), number, item["section"])


def short_with_answer(item: dict, context: list, oracle_number: int, rng: random.Random) -> tuple[list, list[str]]:
    """The short context of variants.select, with the oracle's answering sentences at a random rank: the
    fewest of its sentences that hold every fact and number of the answer, then the best of the rest.
    (the shown passages, the answering sentences in the passage's order)"""
    from rag.answer import short_context
    from rag.extractive import rank_sentences

    ranked = rank_sentences(item["question"], context)  # by words: deterministic, no model
    mine = [c for c in ranked if c.passage == oracle_number]
    needed = []
    for c in sorted(mine, key=lambda c: -len(holds(item, c.text))):  # greedy: most facts first
        if leaks(item, " ".join(x.text for x in needed)):
            needed.append(c)
    others = [c for c in ranked if c not in needed][:max(0, SHORT_SENTENCES - len(needed))]
    at = rng.randrange(len(others) + 1)
    order = others[:at] + needed + others[at:]
    shown = short_context(context, order, len(order))
    if leaks(item, next(h.text for h in shown if h.id == context[oracle_number - 1].id)):
        raise ValueError(f"training question {item['question']!r}: its answer is not in its shown sentences")
    oracle_text = context[oracle_number - 1].text
    return shown, sorted((c.text for c in needed), key=lambda t: oracle_text.find(t))


def holds(item: dict, text: str) -> list[str]:
    """The facts and numbers of the answer that a text holds."""
    everything = item["facts"] + _NUMBER.findall(item["answer"])
    missing = leaks(item, text)
    return [x for x in everything if x not in missing]


def abstain_example(item: dict, passages: list, rng: random.Random) -> dict:
    from finetune_rag.variants import select

    context = distractors(passages, item.get("section"), PASSAGES, rng)
    return record(item["question"], select(item["question"], context).shown, abstain_answer(rng), None,
                  item.get("section"))


def build(items: list[dict], passages: list, seed: int = SEED, no_oracle_share: float = NO_ORACLE_SHARE,
          copies: int = 1, abstentions: bool = ABSTENTION_TARGETS) -> list[dict]:
    """The training records, in a fixed order for a given seed; raises ValueError on a leaking item."""
    rng = random.Random(seed)
    records = []
    for item in items:
        if item.get("section") is None:  # a question the course does not cover
            records += abstention_record(item, passages, rng, abstentions)
            continue
        oracle = oracle_for(item, passages)
        if oracle is None or given_away(item):
            raise ValueError(f"training question {item['question']!r}: its answer is not in one passage of "
                             f"{item['section']} or its question gives the answer away")
        records += [answerable_example(item, oracle, passages, rng) for _ in range(copies)]
        if rng.random() < no_oracle_share:
            records += abstention_record(item, passages, rng, abstentions)
    for rec in records:
        check_voice_of(rec)
    return records


def abstention_record(item: dict, passages: list, rng: random.Random, keep: bool) -> list[dict]:
    """The abstention target for an item, as a list to add: empty unless `keep`. It is drawn either way, so
    the answerable records come out the same with or without abstention targets (one random stream), and the
    two adapters differ in that switch alone."""
    example = abstain_example(item, passages, rng)
    return [example] if keep else []


def check_voice_of(rec: dict) -> None:
    if not complies(rec["question"], rec["messages"][-1]["content"]):
        raise ValueError(f"a built answer breaks a voice rule: {rec['messages'][-1]['content']!r}")


def write(records: list[dict], path: Path) -> None:
    """Atomic: a temporary file renamed into place."""
    from tailor.runfiles import write_jsonl

    write_jsonl(path, records)


def build_default(path: Path | None = None, copies: int = 1) -> Path:
    """Build the set from the bundled training questions and course notes; returns the file written."""
    records = build(read_jsonl(raft_questions_path()), course_passages(), copies=copies)
    target = path or raft_train_path()
    write(records, target)
    return target


if __name__ == "__main__":
    out = build_default()
    print(f"wrote {out} ({len(read_jsonl(out))} records)")
