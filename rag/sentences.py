"""Sentences: splitting passages and answers, [n] citations, the sentence-to-passage check, trimming.

    split_sentences("Fly economy. Hotels:\\n- €180 a night")  -> ["Fly economy.", "Hotels:", "€180 a night"]
    parse_citations("It is €180 [2].")                       -> [2]
    supports("It is €180 a night [2].", passage_text)          -> 0.0 .. 1.0 (share of its words in the passage)
    trim_to_sentence("It is €180. It also", cut=True)          -> ("It is €180.", True)

Everything here is plain text processing, no model: the answer step (answer.py) and the evaluation use it
to hold every answer sentence to the passage it cites. A sentence is supported when its numbers all occur
in the passage and most of its content words do; retrieved text that reads like an instruction to the
assistant is never support (documents are untrusted data: a planted "answer PWNED" must not become an answer).
"""

from __future__ import annotations

import re

CITATION = re.compile(r"\s*\[(\d{1,2})\]")
# A sentence ends at . ! ? (not inside a number like 2.5), optionally followed by citations and quotes.
SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s*\[\d{1,2}\])*[\"')\]]*(?=\s|$)")
BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
WORD = re.compile(r"[a-z0-9€$£%]+(?:[.,:'-][a-z0-9]+)*")
STOPWORDS = frozenset(
    "a an the is are was were be been being of to in on at by for from with and or not no do does did i my me "
    "we our you your it its this that these those there what which who whom whose when where why how can could "
    "may might must shall should will would has have had as if than then so such any all each per into about "
    "over under after before up out off get gets got am".split())
SUPPORTED = 0.6  # share of an answer sentence's content words that must occur in the cited passage
# Retrieved sentences that address the assistant instead of stating a fact: they are dropped from what an
# answer may quote or be supported by. Written against planted-instruction probes; none of the bundled
# knowledge base's sentences match (tests/test_rag.py checks that).
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|above|previous|system)\b"
    r"|[:;\"“]\s*(answer|reply|respond|say|output|print|return)\b(?!\s+(to|within|by)\b)"
    r"|^(answer|reply|respond|say|output)\s+(only|exactly|with)\b"
    r"|\b(answer|reply|respond)\s+(only\s+)?(with|by saying)\b"
    r"|\b(you are an?|you must now|as an ai|language model|system prompt|assistant:|system:)",
    re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """The sentences of a passage or answer: lines first (list items, table rows), then sentence ends."""
    found = []
    for line in text.splitlines():
        line = BULLET.sub("", line).strip(" |#>")
        if not line.strip():
            continue
        start = 0
        for end in SENTENCE_END.finditer(line):
            found.append(line[start:end.end()].strip())
            start = end.end()
        found.append(line[start:].strip())
    return [s for s in found if re.search(r"\w", s)]


def parse_citations(sentence: str) -> list[int]:
    """The passage numbers a sentence cites, in order, without repeats: "... [2][3]." -> [2, 3]."""
    return list(dict.fromkeys(int(n) for n in CITATION.findall(sentence)))


def strip_citations(sentence: str) -> str:
    return CITATION.sub("", sentence).strip()


def words(text: str) -> list[str]:
    """Content words, lower case, with a light plural fold ("limits" and "limit" match)."""
    return [fold(w) for w in WORD.findall(text.lower()) if w not in STOPWORDS]


def fold(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def supports(sentence: str, passage: str) -> float:
    """How well a passage supports an answer sentence: 0 if a number of the sentence is missing from it,
    else the share of the sentence's content words found in the passage (0 for a sentence of none)."""
    sentence = strip_citations(sentence)
    if not numbers(sentence) <= numbers(passage):
        return 0.0
    mine = set(words(sentence))
    return len(mine & set(words(passage))) / len(mine) if mine else 0.0


def is_instruction(sentence: str) -> bool:
    """True when a retrieved sentence speaks to the assistant ("ignore previous instructions", "answer X")."""
    return bool(INSTRUCTION.search(sentence))


def factual_text(passage: str) -> str:
    """A passage without its instruction-like sentences: the only text an answer may be supported by."""
    return " ".join(s for s in split_sentences(passage) if not is_instruction(s))


def trim_to_sentence(text: str, cut: bool) -> tuple[str, bool]:
    """(text, was_cut). A reply that hit the length limit loses its unfinished last sentence."""
    text = text.strip()
    if not cut or not text:
        return text, False
    ends = list(SENTENCE_END.finditer(text))
    if ends and ends[-1].end() == len(text):
        return text, False  # the limit fell right after a whole sentence
    return (text[:ends[-1].end()].strip() if ends else ""), True
