"""The prompting step of `tailor tour`: one structured recipe (candidates chosen by the checks), checked in
code, with at most one repair."""

from __future__ import annotations

import time

TOUR_FRIDGE = "eggs, spinach, feta, half an onion"


def run(args) -> str:
    from prompting.render import checks_text, recipe_text
    from prompting.schema import RecipeRequest
    from prompting.techniques import structured
    from tailor.cliutil import backend_from_args

    request = RecipeRequest.create(TOUR_FRIDGE, diet="vegetarian", max_minutes=20, servings=2)
    print(f"fridge: {request.fridge} | diet: {request.diet} | at most {request.max_minutes} minutes\n")
    started = time.perf_counter()
    result = structured(backend_from_args(args), request, max_repairs=1)  # one repair keeps the tour short
    seconds = time.perf_counter() - started
    print(recipe_text(result.recipe, request) if result.recipe else "no usable recipe came back")
    print(checks_text(result.report, len(result.attempts)))
    from prompting.checks import CHECKS

    failed = sum(bool(v) for v in result.report.failures.values())
    verdict = (f"all {len(CHECKS)} checks passed" if result.report.passed
               else f"{failed} of {len(CHECKS)} checks failed")
    title = result.recipe.title if result.recipe else "no recipe"
    return f"structured recipe {title!r}: {verdict} after {len(result.attempts)} attempt(s), {seconds:.1f} s"
