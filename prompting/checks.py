"""The checks in code that a prompt alone cannot guarantee: a model is asked nicely, the code verifies.

Each check returns a list of plain-English failures ("'chicken' is not vegetarian"). They are written to be
read by the model too: the repair loop sends them back verbatim, so a failure names the exact item and the
fix. A recipe passes when every list is empty.

    ingredients  every ingredient (and every food a step names) is in the fridge or a declared pantry staple,
                 each listed once and used by a step; at least one is from the fridge
    diet         no ingredient or step names a food the diet rules out
    time         a total time is given and is within the limit
    quantities   every quantity is a number (and a known unit) in a plausible range for the servings
    steps        at least MIN_STEPS distinct steps, each a sentence of several words naming an action
                 (a cooking verb) and an ingredient of the recipe, none stuck in a loop
    values       no value holds schema words or template placeholders ("FridgeRecipe", "{{title}}", "maxItems"),
                 and the title names a dish or a food of the recipe ("Spinach and Feta Omelette")
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from prompting.foods import (
    COOKING_VERBS,
    DISH_WORDS,
    EVERYDAY_FOODS,
    EXEMPT,
    FORBIDDEN,
    KIND_OF,
    NOT_INGREDIENT_WORDS,
    PANTRY_STAPLES,
    SCHEMA_WORDS,
    STAPLE_WORDS,
    UNIT_ALIASES,
    UNIT_RANGES,
)
from prompting.schema import RecipeRequest
from tailor.errors import UsageError

MIN_STEPS = 3
MIN_STEP_WORDS = 4  # "Add the spinach." is a step; "Spinach." or "Steps: 20" is not
LOOP_REPEATS = 3  # a step naming the same food more than this many times has fallen into a loop
CONSTRAINTS = ("ingredients", "diet", "time")  # what "constraint adherence" counts
CHECKS = CONSTRAINTS + ("quantities", "steps", "values")


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
    if words and words <= STAPLE_WORDS and not words <= fridge_words:  # "black pepper" beside "bell pepper"
        return "pantry"
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
    failures += duplicates(recipe) + unused(recipe)
    if "fridge" not in sources:
        failures.append(f"use at least one fridge item: {request.fridge}")
    return failures + foods_in_steps(recipe, fridge_words)


def duplicates(recipe) -> list[str]:
    """Each ingredient once: 'half an onion' listed four times is one onion."""
    seen, failures = {}, []
    for item in recipe.ingredients:
        key = frozenset(food_words(item.name)) or item.name.lower()
        if key in seen:
            failures.append(f"'{item.name}' is listed twice (also as '{seen[key]}'); list each ingredient once")
        seen.setdefault(key, item.name)
    return failures


def unused(recipe) -> list[str]:
    """Each listed ingredient is used by a step: a list of foods the steps never touch is not a recipe."""
    if not recipe.steps:
        return []
    said = set(words_of(" ".join(recipe.steps)))
    said |= {KIND_OF[w] for w in said if w in KIND_OF}  # "feta" in a step uses the "crumbled cheese"
    return [f"'{item.name}' is listed but no step uses it; use it in a step or remove it"
            for item in recipe.ingredients if (words := food_words(item.name))
            and not (words | {KIND_OF[w] for w in words if w in KIND_OF}) & said]


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
    distinct = {step.lower().rstrip(".") for step in steps}
    failures = [] if len(distinct) >= MIN_STEPS else [f"give at least {MIN_STEPS} different steps"]
    names = {w for item in recipe.ingredients for w in food_words(item.name)}
    names |= {KIND_OF[w] for w in names if w in KIND_OF}
    for number, step in enumerate(steps, 1):
        if steps.index(step) < number - 1:
            failures.append(f"step {number} repeats step {steps.index(step) + 1}; write a different step")
        failures += step_sentence(number, step, names)
        counts = Counter(w for w in words_of(step) if w not in NOT_INGREDIENT_WORDS)
        word, times = counts.most_common(1)[0] if counts else ("", 0)
        if times > LOOP_REPEATS:
            failures.append(f"step {number} repeats '{word}' {times} times; write it as one short sentence")
    return failures


def step_sentence(number: int, step: str, names: set[str]) -> list[str]:
    """A step is a sentence of several words that names an action and an ingredient of the recipe."""
    words = re.findall(r"[A-Za-z][a-z'-]*", step)
    if len(words) < MIN_STEP_WORDS:
        return [f"step {number} '{step[:40]}' is not a sentence; write what to do with which ingredient"]
    failures = []
    if not {w.lower() for w in words} & set(COOKING_VERBS):
        failures.append(f"step {number} names no action; start it with a verb such as 'chop', 'fry' or 'add'")
    if not set(words_of(step)) & names:
        failures.append(f"step {number} names no ingredient of the recipe; say which one it uses")
    return failures


# -- quantities -------------------------------------------------------------------------------------
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "half": 0.5, "quarter": 0.25}
QUANTITY_FORM = re.compile(r"^\s*(\d+(?:\.\d+)?(?:\s*/\s*\d+)?|\d+\s+\d/\d|[a-z]+)\s*([a-z]*)\.?", re.I)
TO_TASTE = re.compile(r"to taste|as needed|pinch", re.I)


def amount_and_unit(quantity: str) -> tuple[float, str] | None:
    """'100 g' -> (100, 'g'), '1/2' -> (0.5, ''), 'two cloves' -> (2, 'clove'); None when it is no amount."""
    match = QUANTITY_FORM.match(quantity.strip().lower())
    if not match:
        return None
    number, unit = match.group(1).replace(" ", ""), match.group(2)
    if number in NUMBER_WORDS:
        value = NUMBER_WORDS[number]
    elif "/" in number:
        whole, _, frac = number.rpartition(" ") if " " in match.group(1) else ("", "", number)
        top, bottom = frac.split("/")
        value = (float(whole) if whole else 0) + (float(top) / float(bottom) if float(bottom) else 0)
    elif number.replace(".", "", 1).isdigit():
        value = float(number)
    else:
        return None
    unit = UNIT_ALIASES.get(unit, unit)
    return value, unit


def check_quantities(recipe, request: RecipeRequest) -> list[str]:
    """Every quantity is an amount in a known unit, within a plausible range for the servings."""
    failures = []
    for item in recipe.ingredients:
        if TO_TASTE.search(item.quantity) and food_words(item.name) <= STAPLE_WORDS:
            continue  # salt 'to taste' is how cooks write it
        parsed = amount_and_unit(item.quantity)
        if parsed is None or parsed[1] not in UNIT_RANGES:
            failures.append(f"'{item.quantity}' is not a quantity for '{item.name}'; write e.g. '2' or '100 g'")
            continue
        value, unit = parsed
        low, high = UNIT_RANGES[unit]
        if not low <= value <= high * max(request.servings, 1) * 1.5:
            failures.append(f"'{item.quantity}' of '{item.name}' is implausible for {request.servings} "
                            "servings; give a usual amount")
    return failures


# -- values: nothing copied from a schema or a template --------------------------------------------
PLACEHOLDER = re.compile(r"\{\{|\}\}|[<>{}\[\]]|\./|\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z][A-Za-z]*\b|"
                         r"\b[A-Z][a-z]+[A-Z][A-Za-z]*\b|^\s*[A-Za-z_]+\s*:")


def schema_text_in(value: str) -> str | None:
    """The schema word or placeholder a value holds ('FridgeRecipe', '{{title}}', 'maxItems: 5'), else None."""
    match = PLACEHOLDER.search(value)
    if match:
        return match.group(0).strip()
    words = set(re.findall(r"[a-z_]+", value.lower())) & SCHEMA_WORDS
    return sorted(words)[0] if words else None


def check_values(recipe) -> list[str]:
    values = [("the title", recipe.title)] + [(f"step {n}", step) for n, step in enumerate(recipe.steps, 1)]
    values += [(f"ingredient '{item.name}'", item.name) for item in recipe.ingredients]
    failures = []
    for where, value in values:
        if found := schema_text_in(value):
            failures.append(f"{where} holds '{found}', which is schema or template text; write plain words")
    if len(re.findall(r"[A-Za-z]+", recipe.title)) < 2:
        failures.append(f"the title '{recipe.title}' is not a dish name; name the dish in a few words")
    elif not names_the_dish(recipe):
        failures.append(f"the title '{recipe.title}' names neither a dish nor a food of the recipe; "
                        "name the dish, e.g. 'Spinach and Feta Omelette'")
    return failures


def names_the_dish(recipe) -> bool:
    """A dish name says what it is: a kind of dish ('Omelette', 'Stew') or a food the recipe uses."""
    words = set(words_of(recipe.title))
    foods = {w for item in recipe.ingredients for w in food_words(item.name)}
    return bool(words & (DISH_WORDS | foods | {KIND_OF[w] for w in foods if w in KIND_OF}))


def check_time(recipe, request: RecipeRequest) -> list[str]:
    minutes = recipe.total_minutes
    if minutes is None:
        return ["state the total time in minutes"]
    if request.max_minutes is not None and minutes > request.max_minutes:
        return [f"total time {minutes} minutes is over the {request.max_minutes}-minute limit; "
                "make it quicker"]
    steps_take = sum(stated_minutes(step) for step in recipe.steps)
    if minutes < steps_take:
        return [f"the steps take at least {steps_take} minutes, more than the total time of {minutes}; "
                "give the real total"]
    return []


STATED_MINUTES = re.compile(r"\b(\d+|a|one)(?:\s*(?:-|to)\s*\d+)?\s+minutes?\b( on each side)?")


def stated_minutes(step: str) -> int:
    """The minutes a step says it takes: 'for 5 minutes' -> 5, 'for a minute' -> 1, '3 minutes on each side'
    -> 6; ranges count their low end ('8-10 minutes' -> 8)."""
    total = 0
    for number, each_side in STATED_MINUTES.findall(step.lower()):
        total += (int(number) if number.isdigit() else 1) * (2 if each_side else 1)
    return total


def check_recipe(recipe, request: RecipeRequest) -> CheckReport:
    """Run every check on a recipe (a `Recipe`, or one parsed from free text)."""
    return CheckReport({
        "ingredients": check_ingredients(recipe, request),
        "diet": check_diet(recipe, request),
        "time": check_time(recipe, request),
        "quantities": check_quantities(recipe, request),
        "steps": check_steps(recipe),
        "values": check_values(recipe),
    })


def staples_text() -> str:
    return ", ".join(sorted(PANTRY_STAPLES))
