"""Refusing to advise on what is not an app idea: empty, over-long, or unlike any app description.

Empty and over-long text is a usage error. Otherwise a text counts as an app idea when it has at least
MIN_WORDS words and either a small classifier on its embedding (trained on the training ideas against
half of data/advise/not_apps.txt) gives at least MIN_APP_PROBABILITY, or it names what is being built
("an app", "a bot", "a tool" ...). The evaluation measures this check on the held-out ideas and on the
other half of the non-app texts.
"""

from __future__ import annotations

import re

from tailor.errors import UsageError

MAX_CHARS = 600       # an idea is a sentence or a short paragraph, not a specification
MIN_WORDS = 4         # "hello", "ok", "make an app" say nothing to decide on
MIN_APP_PROBABILITY = 0.5  # the app-or-not classifier's decision threshold, not tuned

APP_NOUNS = re.compile(r"\b(app|application|tool|assistant|bot|chatbot|agent|service|platform|website|"
                       r"dashboard|system|software|plugin|extension|model|generator|helper)\b", re.IGNORECASE)


def check_text(idea) -> str:
    """The stripped idea, or a UsageError saying what is wrong with it."""
    if not isinstance(idea, str) or not idea.strip():
        raise UsageError("the app idea is empty; describe the app in a sentence, e.g. "
                         "\"an app that answers questions about our HR policies\"")
    idea = " ".join(idea.split())
    if len(idea) > MAX_CHARS:
        raise UsageError(f"the app idea has {len(idea)} characters; the limit is {MAX_CHARS}: "
                         "describe it in one or two sentences")
    return idea


def too_short(idea: str) -> str:
    """Why the idea is too short to decide on, or "" (checked before any model loads)."""
    words = len(idea.split())
    if words < MIN_WORDS:
        return f"it has only {words} word(s); say what the app does, for whom, with what data"
    return ""


def looks_like_app(idea: str, app_probability: float) -> tuple[bool, str]:
    """(is it an app idea?, why not) from the word count, the app-or-not classifier and app nouns."""
    if too_short(idea):
        return False, too_short(idea)
    if app_probability >= MIN_APP_PROBABILITY or APP_NOUNS.search(idea):
        return True, ""
    return False, (f"it reads like a question or remark, not an app (app probability {app_probability:.2f}), "
                   "and names no app, tool or bot; describe what the app should do and for whom")
