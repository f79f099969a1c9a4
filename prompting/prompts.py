"""Every prompt of the Smart Recipe Generator, one builder per technique.

All three techniques state the same constraints (fridge, pantry staples, diet, time, servings), so the
evaluation measures what the technique adds, not what one prompt forgot to say:

    zero-shot    one plain instruction
    few-shot     the same instruction, after worked examples as earlier turns of the conversation
    structured   a system prompt with rules (no example: a small model copies it); the schema constrains the reply;
                 repair turns quote the failed checks back to the model
"""

from __future__ import annotations

from functools import lru_cache

from prompting.schema import Recipe, RecipeRequest
from tailor.config import data_dir
from tailor.runfiles import read_jsonl

EXAMPLES_FILE = "prompting/examples.jsonl"
FEW_SHOT_EXAMPLES = 3
# A few staples by name, not the whole list: given all ten, the model wrote them out one by one in a loop
# (measured on zero-shot). The checks still accept every declared staple (foods.PANTRY_STAPLES).
STAPLES_SAID = "salt, pepper, oil and water"


def constraints(request: RecipeRequest) -> str:
    """The user's constraints as short sentences, shared by every technique."""
    lines = [f"Use only these fridge items: {request.fridge}.",
             f"You may also use {STAPLES_SAID}.",
             f"It serves {request.servings}."]
    if request.diet != "none":
        lines.append(f"It must be {request.diet}.")
    if request.max_minutes is not None:
        lines.append(f"It must take at most {request.max_minutes} minutes in total.")
    return " ".join(lines)


def instruction(request: RecipeRequest) -> str:
    return ("Write a short recipe. " + constraints(request) + " Start with the name of the dish on its own line. "
            "Then write 'Ingredients:' and list 3 to 6 ingredients with their amounts, each once. Then write "
            "'Steps:' and 3 or 4 numbered steps. End with 'Total time:' and the minutes.")


# -- zero-shot --------------------------------------------------------------------------------------
def zero_shot_messages(request: RecipeRequest) -> list[dict]:
    return [{"role": "user", "content": instruction(request)}]


# -- few-shot ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def load_examples() -> tuple[tuple[RecipeRequest, Recipe], ...]:
    """The worked examples of data/prompting/examples.jsonl as (request, recipe) pairs."""
    pairs = []
    for row in read_jsonl(data_dir() / EXAMPLES_FILE):
        recipe = Recipe.model_validate(row.pop("recipe"))
        pairs.append((RecipeRequest.create(**row), recipe))
    return tuple(pairs)


def few_shot_messages(request: RecipeRequest, count: int = FEW_SHOT_EXAMPLES) -> list[dict]:
    from prompting.render import recipe_text

    messages = []
    for example, recipe in load_examples()[:count]:
        messages.append({"role": "user", "content": instruction(example)})
        messages.append({"role": "assistant", "content": recipe_text(recipe)})
    return messages + zero_shot_messages(request)


# -- structured -------------------------------------------------------------------------------------
SYSTEM = """You are a careful home cook. Write one recipe: the name of the dish, the ingredients with their
amounts for the servings, the steps in the order a cook does them (each one sentence saying what to do with
which ingredient), and the total minutes. Use only the fridge items and the pantry staples. Follow the diet
and the time limit."""


def structured_messages(request: RecipeRequest) -> list[dict]:
    # No worked example and no schema text: the 135M model copies both into its answer (measured: foods from
    # an example, "FridgeRecipe" and "maxItems: 5" from a schema). The grammar gives the JSON shape.
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": constraints(request)}]


def copies_example(recipe, text: str = "") -> bool:
    """True when a recipe (or the raw reply, parsed or not) repeats a worked example's title or one of its
    steps word for word."""
    said = text.lower()
    steps = {step.strip().lower() for step in recipe.steps} if recipe is not None else set()
    for _, example in load_examples():
        copied = [example.title, *example.steps]
        if recipe is not None and (recipe.title.strip().lower() == example.title.lower()
                                   or steps & {step.lower() for step in example.steps}):
            return True
        if said and any(line.lower() in said for line in copied):
            return True
    return False


def repair_message(failures: list[str]) -> dict:
    """The turn that sends the failed checks back, each one naming the item and the fix."""
    listed = "\n".join(f"- {failure}" for failure in failures)
    return {"role": "user", "content": f"Your recipe failed these checks:\n{listed}\n"
                                       "Write the whole recipe again as JSON, fixing these problems."}
