"""The `Recipe` schema narrowed to one request: what the model *can* write, not only what it is asked to.

The structured technique hands the backend a schema, and constrained decoding can only produce what the
schema allows. So the request's own constraints go into it:

    ingredients[].name   one of the fridge items the diet allows (as typed, and without the amount words:
                         "half an onion" and "onion"), or a pantry staple (an enum)
    total_minutes        at most the user's time limit

Two checks become guarantees for the ingredient list and the time; the checks in code still run, because
a step can still name a food, and quantities and steps are free text. Without a usable fridge item (the
diet rules out all of them) the names are left free, and the checks say what is wrong.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, create_model

from prompting.checks import forbidden_in, fridge_items, singular
from prompting.foods import NOT_INGREDIENT_WORDS, PANTRY_STAPLES
from prompting.schema import Ingredient, Recipe, RecipeRequest

MAX_NAMES = 120  # a fridge of 4,000 characters still makes a grammar that compiles in well under a second


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


def narrowed_recipe(request: RecipeRequest) -> type[Recipe]:
    """A subclass of `Recipe` whose ingredient names and total time obey this request."""
    names = allowed_names(request)
    ingredient = Ingredient
    if names:
        name_field = (Literal[tuple(names)], Field(description="a fridge item or a pantry staple"))
        ingredient = create_model("FridgeIngredient", __base__=Ingredient, name=name_field)
    limit = min(request.max_minutes or 240, 240)
    return create_model(
        "FridgeRecipe", __base__=Recipe,
        ingredients=(list[ingredient], Field(min_length=1, max_length=7)),
        total_minutes=(int, Field(ge=1, le=limit)),
    )
