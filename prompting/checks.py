"""The checks in code that a prompt alone cannot guarantee: a model is asked nicely, the code verifies.

Each check returns a list of plain-English failures ("'chicken' is not vegetarian"). They are written to be
read by the model too: the repair loop sends them back verbatim, so a failure names the exact item and the
fix. A recipe passes when every list is empty.

    ingredients  every ingredient (and every food a step names) is in the fridge or a declared pantry staple,
                 with a real quantity; at least one is from the fridge
    diet         no ingredient or step names a food the diet rules out
    steps        at least MIN_STEPS steps, none repeated, none stuck in a loop
    time         a total time is given and is within the limit
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from prompting.foods import (
    EVERYDAY_FOODS,
    EXEMPT,
    FORBIDDEN,
    KIND_OF,
    NOT_INGREDIENT_WORDS,
    PANTRY_STAPLES,
    STAPLE_WORDS,
)
from prompting.schema import RecipeRequest
from tailor.errors import UsageError

MIN_STEPS = 2
LOOP_REPEATS = 3  # a step naming the same food more than this many times has fallen into a loop
CONSTRAINTS = ("ingredients", "diet", "time")  # what "constraint adherence" counts
CHECKS = CONSTRAINTS + ("steps",)


@dataclass
class CheckReport:
    """The failures of each check, by name; `passed` when there are none."""

    failures: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in CHECKS})

    @property
    def passed(self) -> bool:
        return not any(self.failures.values())

    @property
    def adheres(self) -> bool:
        """The user's constraints hold: fridge plus staples only, the diet, the time limit."""
        return not any(self.failures[name] for name in CONSTRAINTS)

    def listed(self) -> list[str]:
        return [failure for name in CHECKS for failure in self.failures[name]]


# -- words ------------------------------------------------------------------------------------------
def singular(word: str) -> str:
    """'tomatoes' -> 'tomato', 'berries' -> 'berry', 'eggs' -> 'egg'; good enough for food words."""
    if len(word) <= 3 or word.endswith(("ss", "us")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("oes", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def words_of(text: str) -> list[str]:
    return [singular(w) for w in re.findall(r"[a-z][a-z'-]*", text.lower().replace("gluten free", "gluten-free"))]


def food_words(text: str) -> set[str]:
    """The words that say which food it is: '2 large ripe tomatoes' -> {'tomato'}."""
    return {w for w in words_of(text) if w not in NOT_INGREDIENT_WORDS}


def fridge_items(fridge: str) -> list[str]:
    """'eggs, spinach and half an onion' -> ['eggs', 'spinach', 'half an onion']."""
    parts = re.split(r"[,;\n&+]|\band\b", fridge)
    return [part.strip() for part in parts if food_words(part)]


def fridge_vocabulary(fridge: str) -> set[str]:
    """Every food word of the fridge, plus its kind ('feta' also counts as 'cheese')."""
    words = {w for item in fridge_items(fridge) for w in food_words(item)}
    return words | {KIND_OF[w] for w in words if w in KIND_OF}


def check_edible(request: RecipeRequest) -> list[str]:
    """The fridge items that look like food; none at all is an honest refusal, not an invented recipe."""
    edible = [item for item in fridge_items(request.fridge) if food_words(item) & EVERYDAY_FOODS]
    if not edible:
        raise UsageError(f"cannot make a recipe from this: nothing in {request.fridge[:80]!r} looks like food; "
                         "list the foods in your fridge, e.g. \"eggs, spinach, feta\"")
    return edible


# -- the checks -------------------------------------------------------------------------------------
def source_of(name: str, fridge_words: set[str]) -> str:
    """'fridge', 'pantry' (a declared staple) or 'missing'."""
    words = food_words(name)
    if words & fridge_words:
        return "fridge"
    if words and words <= STAPLE_WORDS:
        return "pantry"
    return "missing"


def check_ingredients(recipe, request: RecipeRequest) -> list[str]:
    fridge_words = fridge_vocabulary(request.fridge)
    sources = [source_of(item.name, fridge_words) for item in recipe.ingredients]
    failures = [f"'{item.name}' is not in the fridge and is not a pantry staple; remove it"
                for item, source in zip(recipe.ingredients, sources, strict=True) if source == "missing"]
    failures += [f"'{item.quantity}' is not a quantity for '{item.name}'; write e.g. '2' or '100 g'"
                 for item in recipe.ingredients if not re.search(r"[0-9a-z]", item.quantity.lower())]
    if "fridge" not in sources:
        failures.append(f"use at least one fridge item: {request.fridge}")
    return failures + foods_in_steps(recipe, fridge_words)


def foods_in_steps(recipe, fridge_words: set[str]) -> list[str]:
    """A step may not bring in a food that is neither in the fridge nor a staple ('lay it on the bread')."""
    failures = []
    for number, step in enumerate(recipe.steps, 1):
        extra = sorted((food_words(step) & EVERYDAY_FOODS) - fridge_words - STAPLE_WORDS)
        failures += [f"step {number} uses {food}, which is not in the fridge" for food in extra]
    return failures


def forbidden_in(text: str, diet: str) -> str | None:
    """The first word of `text` that the diet rules out, unless a marker makes it harmless."""
    words = set(words_of(text))
    if words & EXEMPT[diet]:
        return None
    joined = " ".join(words_of(text))
    for food in sorted(FORBIDDEN[diet]):
        if food in words or (" " in food and food in joined):
            return food
    return None


def check_diet(recipe, request: RecipeRequest) -> list[str]:
    failures = []
    for item in recipe.ingredients:
        if food := forbidden_in(item.name, request.diet):
            failures.append(f"'{item.name}' is not {request.diet} ({food}); remove it")
    for number, step in enumerate(recipe.steps, 1):
        if food := forbidden_in(step, request.diet):
            failures.append(f"step {number} uses {food}, which is not {request.diet}")
    return failures


def check_steps(recipe) -> list[str]:
    steps = [step.strip() for step in recipe.steps if step.strip()]
    failures = [] if len(steps) >= MIN_STEPS else [f"give at least {MIN_STEPS} steps"]
    for number, step in enumerate(steps, 1):
        if steps.index(step) < number - 1:
            failures.append(f"step {number} repeats step {steps.index(step) + 1}; write a different step")
        counts = Counter(w for w in words_of(step) if w not in NOT_INGREDIENT_WORDS)
        word, times = counts.most_common(1)[0] if counts else ("", 0)
        if times > LOOP_REPEATS:
            failures.append(f"step {number} repeats '{word}' {times} times; write it as one short sentence")
    return failures


def check_time(recipe, request: RecipeRequest) -> list[str]:
    minutes = recipe.total_minutes
    if minutes is None:
        return ["state the total time in minutes"]
    if request.max_minutes is not None and minutes > request.max_minutes:
        return [f"total time {minutes} minutes is over the {request.max_minutes}-minute limit; "
                "make it quicker"]
    return []


def check_recipe(recipe, request: RecipeRequest) -> CheckReport:
    """Run every check on a recipe (a `Recipe`, or one parsed from free text)."""
    return CheckReport({
        "ingredients": check_ingredients(recipe, request),
        "diet": check_diet(recipe, request),
        "time": check_time(recipe, request),
        "steps": check_steps(recipe),
    })


def staples_text() -> str:
    return ", ".join(sorted(PANTRY_STAPLES))
