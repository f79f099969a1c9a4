"""The Brightpath tutor's voice, as rules a program can check on any answer.

Brightpath is the fictional learning company whose tutor this demo trains. Its style guide, in code:

    greeting        opens with "Great question!"
    concise         at most 80 words
    plain_text      no Markdown: no headings, bullet or numbered lines, bold or code marks
    check_question  ends with a question that checks understanding (the last character is "?")
    hint_first      for an exercise (solve, calculate, homework...): gives a "Hint:" and does not state
                    the final answer; other questions pass this rule

Every rule is compatible with correct facts: a short, friendly, plain answer that ends with a question
can carry any fact, so a grounded tutor (finetune_rag/) can use the same checks.
"""

from __future__ import annotations

import re

GREETING = "Great question!"
MAX_WORDS = 80
RULES = {
    "greeting": f'opens with "{GREETING}"',
    "concise": f"at most {MAX_WORDS} words",
    "plain_text": "no Markdown headings, lists, bold or code",
    "check_question": "ends with a check-for-understanding question",
    "hint_first": 'an exercise gets a "Hint:" and not the final answer',
}

_EXERCISE = re.compile(r"\b(solve|calculate|compute|convert|simplify|work out|homework|exercise|"
                       r"how many|how much|find the)\b|\bwhat is \d", re.IGNORECASE)
_MARKDOWN = re.compile(r"(^\s*(#|[-*+] |\d+[.)] ))|\*\*|__|`", re.MULTILINE)
_NUMBER = re.compile(r"-?\d+(?:[.,/]\d+)*")


def is_exercise(question: str) -> bool:
    """A homework-style task the tutor should guide through rather than solve."""
    return bool(_EXERCISE.search(question))


def states_answer(answer: str, solution: str | None) -> bool:
    """True when the reply gives the final answer away (the solution appears as a number of its own)."""
    if re.search(r"\bthe answer is\b", answer, re.IGNORECASE):
        return True
    if not solution:
        return False
    wanted = solution.replace(",", "")
    return any(n.replace(",", "").rstrip(".") == wanted for n in _NUMBER.findall(answer))


def check_voice(question: str, answer: str, solution: str | None = None) -> dict[str, bool]:
    """Each rule's verdict on one answer; `solution` (an exercise's result, if known) sharpens hint_first."""
    text = answer.strip()
    hint_ok = True
    if is_exercise(question):
        hint_ok = "Hint:" in text and not states_answer(text, solution)
    return {
        "greeting": text.startswith(GREETING),
        "concise": len(text.split()) <= MAX_WORDS,
        "plain_text": not _MARKDOWN.search(text),
        "check_question": text.endswith("?"),
        "hint_first": hint_ok,
    }


def complies(question: str, answer: str, solution: str | None = None) -> bool:
    """True when the answer follows every rule."""
    return all(check_voice(question, answer, solution).values())
