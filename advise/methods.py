"""The six methods, the lesson's criterion behind each, and what to say when one is not chosen.

Every way of deciding (rules, prompt, classifier, combined) ends in the same labels; this file turns a
label into the words a user reads: why this method, why not the others, and which tailor folder to copy.
"""

from __future__ import annotations

METHODS = ("prompting", "finetuning", "rag", "finetune_rag", "agents", "custom_ml")
NONE = "none"  # no supporting method
SUPPORTING = (*METHODS, NONE)

TITLES = {
    "prompting": "prompting",
    "finetuning": "fine-tuning (LoRA)",
    "rag": "retrieval-augmented generation (RAG)",
    "finetune_rag": "fine-tuning + RAG",
    "agents": "a tool-using agent",
    "custom_ml": "a custom ML model",
}

# The lesson's criterion for each method, as one sentence a user can check against their idea.
CRITERIA = {
    "prompting": "general knowledge is enough: a well-written prompt on a good model does the job",
    "finetuning": "it needs a consistent style or tone, or one narrow task format, every time",
    "rag": "answers must come from private or frequently changing data the model never saw",
    "finetune_rag": "it needs both a consistent style or format and private or fresh data",
    "agents": "it must take actions through APIs (book, send, order, update), not only write text",
    "custom_ml": "the input is not text (images, audio, video, sensors) or it is a prediction on tables",
}

# Why each method is the wrong tool when it is not the recommendation (one line each).
WHY_NOT = {
    "prompting": "a prompt alone cannot supply private data, a learned house style, actions or vision",
    "finetuning": "training costs data and time and bakes facts in at training time, so they go stale; "
                  "it only pays off for a consistent style or narrow format",
    "rag": "retrieval helps only when answers live in documents the model has not seen",
    "finetune_rag": "the combination doubles the work; use it only when both style and private data matter",
    "agents": "tools, loops and permissions add cost and risk; use them only when something must be done "
              "through an API",
    "custom_ml": "a classifier or regressor needs labelled numbers or signals; for open-ended text an LLM "
                 "is the right tool",
}

# Which tailor demo folder to copy as a starter, and the command that runs it (`python -m <demo>`).
START_FROM = {
    "prompting": ("prompting/", "Smart Recipe Generator", "python -m prompting --help"),
    "finetuning": ("finetuning/", "brand-voice tutor (LoRA)", "python -m finetuning --help"),
    "rag": ("rag/", "internal knowledge-base assistant (Chroma)", "python -m rag --help"),
    "finetune_rag": ("finetune_rag/", "the tutor adapter + the knowledge base",
                     "python -m finetune_rag --help"),
    "agents": ("agents/", "restaurant reservation agent (LangGraph)", "python -m agents --help"),
    "custom_ml": ("custom_ml/", "scikit-learn classifier on a bundled data set",
                  "python -m custom_ml --help"),
}

# What a supporting method adds beside the primary one.
SUPPORT_ROLE = {
    "prompting": "an LLM prompt explains or words the result for people",
    "finetuning": "a small fine-tune keeps the wording or format consistent",
    "rag": "retrieval supplies the private or current facts it needs",
    "finetune_rag": "a fine-tuned model grounded on retrieved documents writes the text",
    "agents": "tool calls carry out the follow-up actions",
    "custom_ml": "a trained model makes the numeric or non-text prediction",
}


def check_method(name: str, allow_none: bool = False) -> str:
    """Return the label if known; otherwise raise ValueError naming the choices."""
    allowed = SUPPORTING if allow_none else METHODS
    if name not in allowed:
        raise ValueError(f"unknown method {name!r}; choose one of {', '.join(allowed)}")
    return name


def avoid_list(primary: str, supporting: str | None) -> list[tuple[str, str]]:
    """The methods not recommended, each with why not (the primary's neighbours first)."""
    chosen = {primary, supporting}
    return [(method, WHY_NOT[method]) for method in METHODS if method not in chosen]
