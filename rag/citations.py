"""Holding a written answer to its passages: every sentence cites the passage that supports it.

    grounded = ground("Backups are kept 35 days. It is sunny [2].", hits)
    grounded.text       -> "Backups are kept 35 days [1]."   (attributed to passage 1; the unsupported
    grounded.citations  -> [Citation(1, hits[0], written=False)]  sentence dropped, numbers renumbered)

For each sentence of a reply (a model's or the extractor's): the [n] it cites are kept where passage n
supports it (rag/sentences.py `supports`: its numbers and most of its words are in the passage); a
sentence citing nothing, or a wrong number, is attributed to the passage that supports it best; a sentence
no passage supports is dropped. The cited passages are then renumbered 1, 2, ... in order of first use,
so the printed sources are exactly the numbers in the text. finetune_rag/ applies the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.sentences import SUPPORTED, factual_text, parse_citations, split_sentences, strip_citations, supports


@dataclass
class Citation:
    number: int  # as printed in the answer text
    hit: object  # the rag.retrieve.Hit it points at
    written: bool  # True: the reply's own [n]; False: attributed by the support check


@dataclass
class Grounded:
    text: str
    citations: list[Citation] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # sentences no passage supports
    sentences: int = 0  # sentences kept


def ground(reply: str, hits: list, *, keep: callable = None, threshold: float = SUPPORTED) -> Grounded:
    """The reply with every sentence cited by a passage that supports it. `keep(sentence)` may exempt
    sentences from the check (a tutor's closing question, which quotes nothing)."""
    passages = [factual_text(h.text) for h in hits]  # instruction-like sentences never count as support
    kept, dropped = [], []
    for sentence in split_sentences(reply):
        if keep and keep(sentence):
            kept.append((strip_citations(sentence), []))
            continue
        numbers = cite_sentence(sentence, passages, threshold)
        if numbers:
            kept.append((strip_citations(sentence), numbers))
        else:
            dropped.append(sentence)
    return renumber(kept, hits, dropped)


def cite_sentence(sentence: str, passages: list[str], threshold: float = SUPPORTED) -> list[tuple[int, bool]]:
    """[(passage number, written)] for one sentence: its own valid citations that hold, else the best support."""
    scores = [supports(sentence, p) for p in passages]
    own = [n for n in parse_citations(sentence) if 1 <= n <= len(passages) and scores[n - 1] >= threshold]
    if own:
        return [(n, True) for n in own]
    if not scores or max(scores) < threshold:
        return []
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return [(best + 1, False)]


def renumber(kept: list, hits: list, dropped: list[str]) -> Grounded:
    """Number the cited passages 1, 2, ... by first use and write the sentences with those numbers."""
    new: dict[int, int] = {}
    written: dict[int, bool] = {}
    parts = []
    for body, numbers in kept:
        marks = []
        for old, own in numbers:
            new.setdefault(old, len(new) + 1)
            written[old] = written.get(old, False) or own
            marks.append(f"[{new[old]}]")
        parts.append(with_marks(body, marks))
    citations = [Citation(n, hits[old - 1], written[old]) for old, n in new.items()]
    return Grounded(" ".join(parts), citations, dropped, len(kept))


def with_marks(body: str, marks: list[str]) -> str:
    """"It is 35 days." + [1] -> "It is 35 days [1].": the citation before the final punctuation."""
    body = body.rstrip()
    if not marks:
        return body
    match = re.search(r"[.!?]+[\"')]*$", body)
    end = match.group(0) if match else "."
    core = body[:match.start()] if match else body
    return f"{core.rstrip()} {''.join(marks)}{end}"
