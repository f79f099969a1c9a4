"""How one answer is scored: required facts, citations, the tutor's voice rules and abstention.

Every check is a plain function of the answer text, so the evaluation, the tour and the tests share them.
"""

from __future__ import annotations

import re

from finetuning.voice import check_voice

# The tutor's way of saying the notes do not hold the answer; the prompts ask for this exact sentence.
ABSTAIN_SENTENCE = "The course notes do not cover that."
# Looser patterns still count as abstaining: a small model paraphrases.
_ABSTAIN = re.compile(r"notes do not cover|notes don't cover|not (covered|in) (in )?the (course )?notes|"
                      r"could not find|do not know|don't know|cannot answer|can't answer|no information", re.IGNORECASE)
_CITATION = re.compile(r"\[(\d{1,2})\]")


def normalize(text: str) -> str:
    """Lower case without spaces, so "n - 1" matches "n-1" and "5 minutes" matches "5minutes"."""
    return re.sub(r"\s+", "", text.lower())


def has_facts(answer: str, facts: list[str]) -> bool:
    """True when every required fact appears in the answer."""
    flat = normalize(answer)
    return all(normalize(fact) in flat for fact in facts)


def abstains(answer: str) -> bool:
    return bool(_ABSTAIN.search(answer))


def cited(answer: str) -> list[int]:
    """The passage numbers the answer cites ([1], [2] ...), in order, without repeats."""
    numbers = [int(n) for n in _CITATION.findall(answer)]
    return list(dict.fromkeys(numbers))


def citation_correct(answer: str, hit_sources: list[str], sources: list[str]) -> bool:
    """The answer cites at least one passage, every cited number exists, and one of them is a right section.

    hit_sources: the source of passage 1, 2, ... as shown in the prompt; sources: the sections that answer.
    """
    numbers = cited(answer)
    if not numbers or any(not 1 <= n <= len(hit_sources) for n in numbers):
        return False
    wanted = {section_name(s) for s in sources}
    return any(section_name(hit_sources[n - 1]) in wanted for n in numbers)


def section_name(source: str) -> str:
    """"course/05-mean-and-median.md" and "05-mean-and-median.md" name the same section."""
    return source.rsplit("/", 1)[-1]


def voice(question: str, answer: str) -> dict[str, bool]:
    """The verdict of each rule in finetuning/voice.py (a citation like [2] is plain text there)."""
    return check_voice(question, answer)
