"""Way 1, the baseline: keyword rules on the lesson's criteria.

Each criterion (private or fresh data, style or format, actions, non-text or tabular input, explaining
results) is a list of cue words. The decision follows the lesson's order: non-text or tabular input ->
custom ML; actions -> agents; data and style -> fine-tuning + RAG; data -> RAG; style -> fine-tuning;
otherwise prompting. The cue lists were written from the lesson's wording before the labelled ideas, so
the baseline is not tuned to the evaluation data.
"""

from __future__ import annotations

import re

from advise.methods import NONE

CUES = {
    "data": ["our", "company", "internal", "wiki", "intranet", "documents", "docs", "documentation",
             "manual", "manuals", "policy", "policies", "handbook", "knowledge base", "latest", "today's",
             "news", "up-to-date", "up to date", "current", "recent", "records", "catalog", "catalogue",
             "contracts", "private", "confidential", "archive", "database", "proprietary", "files"],
    "style": ["tone", "voice", "style", "brand", "persona", "consistent", "consistently", "always",
              "house style", "sound like", "sounds like", "character", "format", "template", "in the style"],
    "action": ["book", "booking", "schedule", "send", "order", "buy", "purchase", "cancel", "refund",
               "reserve", "pay", "deploy", "create a ticket", "file a ticket", "update the", "api", "apis",
               "calendar", "turn on", "turn off", "control", "automate", "automatically", "execute",
               "submit", "post to"],
    "nontext": ["image", "images", "photo", "photos", "picture", "video", "videos", "camera", "audio",
                "sound", "voice recording", "sensor", "sensors", "x-ray", "scan", "scans", "predict",
                "prediction", "forecast", "estimate", "price", "churn", "fraud", "tabular", "spreadsheet",
                "transactions", "time series", "readings", "detect", "defects", "score", "risk"],
    "explain": ["explain", "explains", "explanation", "plain language", "plain english", "in words",
                "summary", "summarize", "report"],
}

CRITERION_TEXT = {
    "data": "mentions private or fresh data",
    "style": "asks for a consistent style, tone or format",
    "action": "asks for actions through other systems",
    "nontext": "has non-text input or a prediction on numbers",
    "explain": "wants the result explained in words",
}


def _pattern(words: list[str]) -> re.Pattern:
    # Whole words only: "our" must not match "hour", "api" must not match "rapid".
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


PATTERNS = {name: _pattern(words) for name, words in CUES.items()}


def criteria(idea: str) -> dict[str, list[str]]:
    """The cue words found for each criterion, e.g. {"nontext": ["video"], "data": [], ...}."""
    return {name: sorted({m.lower() for m in pattern.findall(idea)}) for name, pattern in PATTERNS.items()}


def feature_vector(idea: str) -> list[float]:
    """One number per criterion (1 if any cue matched), in CUES order: the rule features for way 4."""
    found = criteria(idea)
    return [1.0 if found[name] else 0.0 for name in CUES]


def decide(found: dict[str, list[str]]) -> tuple[str, str]:
    """(primary, supporting) from the matched criteria, in the lesson's order."""
    if found["nontext"]:
        return "custom_ml", "prompting" if found["explain"] else NONE
    if found["action"]:
        return "agents", "rag" if found["data"] else NONE
    if found["data"] and found["style"]:
        return "finetune_rag", NONE
    if found["data"]:
        return "rag", NONE
    if found["style"]:
        return "finetuning", NONE
    return "prompting", NONE


# The criteria that point to each method (used to say how much of the evidence agrees).
AGREEING = {"custom_ml": {"nontext"}, "agents": {"action", "data"}, "finetune_rag": {"data", "style"},
            "rag": {"data"}, "finetuning": {"style"}, "prompting": set()}


def predict(idea: str) -> dict:
    """The rule baseline's label and its confidence: the share of matched criteria that point its way."""
    found = criteria(idea)
    primary, supporting = decide(found)
    matched = {name for name in ("data", "style", "action", "nontext") if found[name]}
    # No cue at all: prompting by default, with low confidence; cues that disagree lower it.
    confidence = 0.34 if not matched else round(len(matched & AGREEING[primary]) / len(matched), 2)
    return {"primary": primary, "supporting": supporting, "confidence": confidence, "criteria": found}
