"""The advisor's step in `tailor tour`: advice for two app ideas, by the measured-best way.

The first idea is the lesson's own example (posture from video: a custom model, with an LLM to word the
feedback); it is one of the held-out ideas, so the classifier never saw its label.
"""

from __future__ import annotations

from advise.advisor import Advisor
from advise.explain import format_text
from tailor.cliutil import backend_from_args

TOUR_IDEAS = [
    "An app that watches athletes' videos and corrects their posture.",
    "A chatbot that answers employees' questions about our travel-expense policy, with links to the page.",
]


def run(args) -> str:
    advisor = Advisor(backend_factory=lambda: backend_from_args(args))
    summary = []
    for idea in TOUR_IDEAS:
        advice = advisor.advise(idea)
        print(f"idea: {idea}\n{format_text(advice)}\n")
        confidence = "" if advice.confidence is None else f" {advice.confidence:.2f}"
        summary.append(f"{advice.primary}{confidence}")
    return f"advise ({advice.way}): " + "; ".join(summary)
