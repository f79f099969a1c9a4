"""The recipe schema narrowed to one request: what the model *can* write, not only what it is asked to.

The structured technique hands the backend a JSON schema, and constrained decoding can only produce what the
schema allows. So the request and a cook's vocabulary (cooking.py) go into it:

    title          "<Food> and <Food> <Dish>": two foods of the fridge and a dish they make
    ingredients    an object keyed by food, so each food is listed once: the fridge items the diet allows
                   (as foods: "onion" for "half an onion"), and olive oil, salt and black pepper unless the
                   dish is sweet; each amount one of that food's usual amounts for the servings
    steps          one fixed position per step: every food prepared, the pan heated, every food cooked in
                   a cook's order, then the finish; each position offers that step's sentences
    total_minutes  a round number within the limit and no shorter than the minutes the steps state

A cooked dish and, when every food can go in raw, a raw one (a salad, a sandwich) are two branches of an
`anyOf`: the title the model picks decides which steps follow.

`tight=False` is the ablation's "free values": the same keys with free strings (bounded) and free numbers,
only the ingredient names narrowed. The schema stays out of the prompt (`hidden`, the default): shown, the
small model copied its names and bounds into the values. The grammar holds the reply to it either way.

Plan, then write (chain.py) splits the schema in two: `plan_schema` (which foods, how much), then
`write_schema` over the foods the plan chose, so the title and every step name only foods the recipe lists.
"""

from __future__ import annotations

import re

from prompting.checks import forbidden_in, fridge_items, singular, stated_minutes
from prompting.cooking import (
    RAW_DISHES,
    STAPLE_AMOUNTS,
    Food,
    amounts,
    can_be_raw,
    dishes_for,
    is_sweet,
    kind_of,
    step_positions,
    titles,
)
from prompting.foods import NOT_INGREDIENT_WORDS
from prompting.schema import RecipeRequest
from tailor.chat_format import HIDE_FROM_PROMPT

MAX_FOODS = 6  # fridge foods offered: enough for one dish; a 4,000-character fridge still makes a small grammar
MINUTES = (5, 10, 15, 20, 25, 30, 35, 40, 45, 60, 75, 90, 120)  # the totals a recipe states
FAT = "olive oil"  # the staple every step that fries names (vegan, gluten-free: fine for every diet)
SEASONING = ("salt", "black pepper")


def bare_food(item: str) -> str:
    """'half an onion' -> 'onion', '2 large eggs' -> 'eggs': the item without amounts and adjectives."""
    words = re.findall(r"[a-z][a-z'-]*", item.lower())
    return " ".join(w for w in words if singular(w) not in NOT_INGREDIENT_WORDS)


def recipe_foods(request: RecipeRequest) -> list[Food]:
    """The fridge items the diet allows, as foods (each once, at most MAX_FOODS), with their kinds."""
    names = [bare_food(item) for item in fridge_items(request.fridge) if not forbidden_in(item, request.diet)]
    names = [name[:30] for name in dict.fromkeys(names) if name]  # 30: the ingredient name's limit
    return [Food(name, kind_of(name)) for name in names[:MAX_FOODS]]


def staples_for(foods: list[Food]) -> list[str]:
    """The pantry staples a recipe of these foods takes: oil, salt and pepper, none for a sweet one."""
    if is_sweet(foods):
        return []
    return [s for s in (FAT, *SEASONING) if s not in {f.name for f in foods}]


def hide(schema: dict, hidden: bool) -> dict:
    return {**schema, HIDE_FROM_PROMPT: True} if hidden else schema


def obj(properties: dict, required=None) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties if required is None else required),
            "additionalProperties": False}


def ingredients_schema(foods: list[Food], servings: int, required: list[str]) -> dict:
    """{food: amount}: each food at most once, each amount one of that food's usual amounts."""
    properties = {f.name: {"enum": amounts(f, servings)} for f in foods}
    properties |= {s: {"enum": STAPLE_AMOUNTS[s]} for s in staples_for(foods)}
    return obj(properties, required=required)


def minutes_schema(request: RecipeRequest, positions: list[list[str]]) -> dict:
    """A round total within the limit and no shorter than the times the steps state (honest even when
    that is over the limit: the time check then says so)."""
    limit = request.max_minutes or 60
    least = sum(min(stated_minutes(s) for s in p) for p in positions)
    fitting = [m for m in MINUTES if least <= m <= limit]
    return {"enum": fitting or [next((m for m in MINUTES if m >= least), least)]}


def positions_schema(positions: list[list[str]]) -> dict:
    return {"type": "array", "prefixItems": [{"enum": p} for p in positions], "items": False,
            "minItems": len(positions), "maxItems": len(positions)}


def dish_branches(foods: list[Food], names: set[str]) -> list[tuple[list[str], list[list[str]]]]:
    """(titles, step positions) for a cooked dish and, when the foods need no cooking, a raw one."""
    fat = FAT if FAT in names else next((f.name for f in foods if f.kind == "fat"), None)
    seasoning = {s for s in SEASONING if s in names}
    dishes = dishes_for(foods)
    branches = []
    for raw in (False, True):
        chosen = [d for d in dishes if (d in RAW_DISHES) == raw]
        if chosen and (not raw or can_be_raw(foods)):
            branches.append((titles(foods, chosen), step_positions(foods, raw, fat, seasoning)))
    return branches or [(titles(foods, dishes), step_positions(foods, False, fat, seasoning))]


def branch(properties: dict, positions: list[list[str]], request: RecipeRequest) -> dict:
    return obj({**properties, "steps": positions_schema(positions),
                "total_minutes": minutes_schema(request, positions)})


def one_of(branches: list[dict]) -> dict:
    return branches[0] if len(branches) == 1 else {"anyOf": branches}


def write_schema(foods: list[Food], request: RecipeRequest, hidden: bool = True) -> dict:
    """The title, steps and time for the foods a plan chose (staples among them by name)."""
    names = {f.name for f in foods}
    cooked = [f for f in foods if f.name not in (FAT, *SEASONING)]
    return hide(one_of([branch({"title": {"enum": t}}, positions, request)
                        for t, positions in dish_branches(cooked, names)]), hidden)


def plan_schema(request: RecipeRequest, hidden: bool = True) -> dict:
    """Which fridge foods go in and how much of each; the first food and the staples always do."""
    foods = recipe_foods(request)
    required = [f.name for f in foods[:1]] + staples_for(foods)
    return hide(obj({"ingredients": ingredients_schema(foods, request.servings, required)}), hidden)


def recipe_schema(request: RecipeRequest, tight: bool = True, hidden: bool = True) -> dict:
    """The whole recipe in one reply: title, ingredients, steps, total minutes. Tight, every food goes in
    (the steps are written for all of them); the model picks the dish, the amounts and the time."""
    foods = recipe_foods(request)
    if not tight:
        return hide(loose_schema(foods, request), hidden)
    names = {f.name for f in foods} | set(staples_for(foods))
    ingredients = ingredients_schema(foods, request.servings, [f.name for f in foods] + staples_for(foods))
    return hide(one_of([branch({"title": {"enum": t}, "ingredients": ingredients}, positions, request)
                        for t, positions in dish_branches(foods, names)]), hidden)


def loose_schema(foods: list[Food], request: RecipeRequest) -> dict:
    """The ablation's free values: only the ingredient names and the time limit are narrowed."""
    names = [f.name for f in foods] + staples_for(foods)
    ingredient = obj({"name": {"enum": names}, "quantity": {"type": "string", "minLength": 1, "maxLength": 16}})
    return obj({"title": {"type": "string", "minLength": 3, "maxLength": 50},
                "ingredients": {"type": "array", "items": ingredient, "minItems": 1, "maxItems": 7},
                "steps": {"type": "array", "items": {"type": "string", "minLength": 8, "maxLength": 90},
                          "minItems": 1, "maxItems": 5},
                "total_minutes": {"type": "integer", "minimum": 1, "maximum": request.max_minutes or 240}})
