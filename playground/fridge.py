"""The fridge tab: what is in the fridge, three prompting techniques side by side, each recipe's checks.

    zero-shot    an instruction only; the free-text reply is read back into a recipe and checked
    few-shot     the same, after worked examples
    structured   a JSON schema (constrained decoding), the checks, and repair turns when a check fails

Only prompting/'s public entry is used, `make_recipe(backend, RecipeRequest.create(...), technique)`, and
the result's `.recipe` and `.report`; the text streams through the meter whatever calls it makes.
"""

from __future__ import annotations

from playground import inputs
from playground.events import measured

COLUMNS = [("zero-shot", "zero-shot", "an instruction only"),
           ("few-shot", "few-shot", "worked examples first"),
           ("structured", "structured", "JSON schema, checks, repair turns")]
EXAMPLE = "eggs, spinach, feta, half an onion"


def check(body: dict):
    from prompting import RecipeRequest

    fridge = inputs.text(body, "fridge", inputs.MAX_BODY_BYTES, what="ingredient list")  # types only:
    diet = body.get("diet") or None  # prompting's own checks below set the limits
    if diet is not None and not isinstance(diet, str):
        raise inputs.RequestError(400, f"\"diet\" must be text, got {inputs.kind(diet)}")
    minutes, servings = inputs.optional_int(body, "max_minutes"), inputs.optional_int(body, "servings")
    return inputs.checked(RecipeRequest.create, fridge, diet, minutes, servings)


def run(request, ctx, emit) -> None:
    emit.columns(COLUMNS)
    for key, _, _ in COLUMNS:
        measured(emit, key, ctx.make_backend, lambda meter, key=key: recipe(meter, request, key))


def recipe(meter, request, technique: str) -> dict:
    from prompting import make_recipe

    result = make_recipe(meter, request, technique)
    found = result.recipe.model_dump(warnings=False) if result.recipe else None
    report = result.report
    return {"text": found["title"] if found else "no usable recipe came back", "recipe": found,
            "checks": {"passed": report.passed, "failures": {k: list(v) for k, v in report.failures.items()}}}
