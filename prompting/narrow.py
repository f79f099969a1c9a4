"""The `Recipe` schema narrowed to one request: what the model *can* write, not only what it is asked to.

The structured technique hands the backend a schema, and constrained decoding can only produce what the
schema allows. So the request's own constraints go into it:

    ingredients[].name   one of the fridge items the diet allows (as typed, and without the amount words:
                         "half an onion" and "onion"), or a pantry staple (an enum)
    total_minutes        at most the user's time limit
    title, quantity,     with `tight` values (the default): a title of 2 to 5 capitalised words, a quantity
    steps                as a number and a unit from a list, 3 to 5 steps each a sentence that starts with a
                         cooking verb and ends with a full stop; the model cannot write "FridgeRecipe" or
                         "maxItems: 5" where only such values fit

The schema is kept out of the prompt (`hidden`, the default): shown, the small model copied its class names
and bounds into the values. The grammar holds the reply to it either way.

Two checks become guarantees for the ingredient list and the time; the checks in code still run, because
a step can still name a food, and quantities and steps are free text. Without a usable fridge item (the
diet rules out all of them) the names are left free, and the checks say what is wrong.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, create_model

from prompting.checks import forbidden_in, fridge_items, singular
from prompting.foods import COOKING_VERBS, NOT_INGREDIENT_WORDS, PANTRY_STAPLES
from prompting.schema import Ingredient, Recipe, RecipeRequest
from tailor.chat_format import HIDE_FROM_PROMPT

MAX_NAMES = 120  # a fridge of 4,000 characters still makes a grammar that compiles in well under a second
TITLE = r"^[A-Z][a-z]{1,14}( [A-Z][a-z]{1,14}| and| with){1,4}$"  # "Spinach and Feta Omelette"
UNITS = "g|ml|tbsp|tsp|cup|cups|clove|cloves|slice|slices|can|cans|piece|pieces|handful|pinch"
QUANTITY = rf"^(1/2|1/4|[1-9][0-9]{{0,2}})( ({UNITS}))?$"  # "2", "100 g", "1/2 cup"
STEP = rf"^({'|'.join(v.capitalize() for v in COOKING_VERBS)}) [a-z0-9 ,']{{12,80}}\.$"


def allowed_names(request: RecipeRequest) -> list[str]:
    """The fridge items the diet allows (as the user wrote them), then the staples the diet allows."""
    fridge = [item for item in fridge_items(request.fridge) if not forbidden_in(item, request.diet)]
    staples = [s for s in sorted(PANTRY_STAPLES) if not forbidden_in(s, request.diet)]
    forms = [form[:30] for item in fridge for form in (item, bare_food(item)) if form]  # 30: the name's limit
    names = list(dict.fromkeys(forms))
    return (names + [s for s in staples if s not in names])[:MAX_NAMES] if names else []


def bare_food(item: str) -> str:
    """'half an onion' -> 'onion', '2 large eggs' -> 'eggs': the item without amounts and adjectives."""
    words = re.findall(r"[a-z][a-z'-]*", item.lower())
    return " ".join(w for w in words if singular(w) not in NOT_INGREDIENT_WORDS)


def narrowed_recipe(request: RecipeRequest, tight: bool = True, hidden: bool = True) -> type[Recipe]:
    """A subclass of `Recipe` whose ingredient names and total time obey this request (and, `tight`, whose
    title, quantities and steps have the form of a recipe); `hidden` keeps it out of the prompt."""
    names = allowed_names(request)
    fields = {}
    if names:
        fields["name"] = (Literal[tuple(names)], Field(description="a fridge item or a pantry staple"))
    if tight:
        # no max_length beside a pattern: xgrammar ignores it (and says so); each pattern is bounded itself
        fields["quantity"] = (str, Field(pattern=QUANTITY))
    ingredient = create_model("FridgeIngredient", __base__=Ingredient, **fields) if fields else Ingredient
    limit = min(request.max_minutes or 240, 240)
    recipe_fields = {"ingredients": (list[ingredient], Field(min_length=1, max_length=7)),
                     "total_minutes": (int, Field(ge=1, le=limit))}
    if tight:
        recipe_fields |= {"title": (str, Field(pattern=TITLE)),
                          "steps": (list[Annotated[str, Field(pattern=STEP)]],
                                    Field(min_length=3, max_length=5))}
    return create_model("FridgeRecipe", __base__=HiddenRecipe if hidden else Recipe, **recipe_fields)


class HiddenRecipe(Recipe):
    """`Recipe`, marked so the backend keeps its schema out of the prompt (the grammar still enforces it)."""

    model_config = ConfigDict(json_schema_extra={HIDE_FROM_PROMPT: True})
