"""advise: which way to customize an LLM fits an app idea, decided four ways and measured.

    from advise import advise
    advice = advise("An app that books tables at restaurants")   # an Advice; .primary == "agents"

Heavy libraries load inside the functions, so importing this package stays instant.
"""

from __future__ import annotations

from advise.methods import METHODS

__all__ = ["METHODS", "advise"]


def advise(idea: str, way: str | None = None, backend=None):
    """Recommend a method for one idea (way: rules, prompt, classifier, combined; default: measured best)."""
    from advise.advisor import Advisor

    return Advisor(backend=backend).advise(idea, way=way)
