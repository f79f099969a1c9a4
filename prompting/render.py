"""Recipes as readable text: the plain form the few-shot examples teach, and the marked form the CLI prints
(each ingredient tagged as coming from the fridge or assumed from the pantry, by the code's own check).
"""

from __future__ import annotations

from prompting.checks import fridge_vocabulary, source_of
from prompting.schema import RecipeRequest

MARKS = {"fridge": "from the fridge", "pantry": "pantry staple", "missing": "NOT in the fridge"}


def recipe_text(recipe, request: RecipeRequest | None = None) -> str:
    """Title, ingredients, numbered steps, total time. With a request, ingredients are marked."""
    fridge_words = fridge_vocabulary(request.fridge) if request else None
    lines = [recipe.title, "", "Ingredients:"]
    for item in recipe.ingredients:
        line = f"- {item.quantity} {item.name}".replace("-  ", "- ")
        if fridge_words is not None:
            line += f"  ({MARKS[source_of(item.name, fridge_words)]})"
        lines.append(line)
    lines += ["", "Steps:"] + [f"{number}. {step}" for number, step in enumerate(recipe.steps, 1)]
    minutes = "not stated" if recipe.total_minutes is None else f"{recipe.total_minutes} minutes"
    lines += ["", f"Total time: {minutes}"]
    return "\n".join(lines)


def checks_text(report, attempts: int) -> str:
    """One line per failed check, or one line saying all passed; with the attempt count."""
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    if report.passed:
        return f"checks: all passed ({tries})"
    return "\n".join([f"checks: {len(report.listed())} failed ({tries}):"]
                     + [f"  - {failure}" for failure in report.listed()])
