"""The shapes of the Smart Recipe Generator: what the user asks for (`RecipeRequest`) and what the model
fills in (`Recipe`).

`Recipe` is the pydantic schema handed to the backend's structured output. It is kept small on purpose:
a 135M-parameter model writes better JSON when every string is short and every list is bounded, and the
bounds (maxLength, maxItems) also cap how many tokens a reply can take. Whether an ingredient comes from
the fridge or the pantry is decided in code (checks.py), not asked of the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field

from tailor.errors import UsageError

DIETS = ("none", "vegetarian", "vegan", "gluten-free")
MAX_FRIDGE_CHARS = 4000  # the longest ingredient list accepted (a prompt is not a document)
MAX_MINUTES_LIMIT = 24 * 60
MAX_SERVINGS_LIMIT = 50

Step = Annotated[str, Field(min_length=8, max_length=90)]


class Ingredient(BaseModel):
    name: str = Field(min_length=2, max_length=30, description="one food, e.g. 'spinach'")
    quantity: str = Field(min_length=1, max_length=16, description="e.g. '2', '100 g', '1 tbsp'")


class Recipe(BaseModel):
    title: str = Field(min_length=3, max_length=50)
    ingredients: list[Ingredient] = Field(min_length=1, max_length=7)
    steps: list[Step] = Field(min_length=1, max_length=5)
    total_minutes: int = Field(ge=1, le=240)


def recipe_from(data: dict) -> Recipe:
    """A `Recipe` from a structured reply (the narrowed schemas give ingredients as {food: amount}), built
    without the schema's limits: the checks, not a validation error, say what is wrong with it."""
    items = data.get("ingredients") or []
    pairs = items.items() if isinstance(items, dict) else ((i.get("name", ""), i.get("quantity", "")) for i in items)
    ingredients = [Ingredient.model_construct(name=name, quantity=str(quantity)) for name, quantity in pairs]
    return Recipe.model_construct(title=data.get("title", ""), ingredients=ingredients,
                                  steps=list(data.get("steps") or []), total_minutes=data.get("total_minutes"))


@dataclass(frozen=True)
class RecipeRequest:
    """One user request: the fridge as typed, plus the optional constraints."""

    fridge: str
    diet: str = "none"
    max_minutes: int | None = None
    servings: int = 2

    @classmethod
    def create(cls, fridge, diet=None, max_minutes=None, servings=None) -> RecipeRequest:
        """Validate raw input (from the command line or a caller); bad input is a one-line UsageError."""
        return cls(fridge=_check_fridge(fridge), diet=_check_diet(diet),
                   max_minutes=_check_count(max_minutes, "--max-minutes", MAX_MINUTES_LIMIT),
                   servings=_check_count(servings, "--servings", MAX_SERVINGS_LIMIT) or 2)


def _check_fridge(fridge) -> str:
    if not isinstance(fridge, str) or not fridge.strip():
        raise UsageError("the ingredient list is empty; say what is in the fridge, e.g. \"eggs, spinach, feta\"")
    if len(fridge) > MAX_FRIDGE_CHARS:
        raise UsageError(f"the ingredient list has {len(fridge)} characters; the limit is {MAX_FRIDGE_CHARS}")
    return " ".join(fridge.split())


def _check_diet(diet) -> str:
    diet = (diet or "none").strip().lower()
    if diet not in DIETS:
        raise UsageError(f"unknown diet {diet!r}; choose one of: {', '.join(DIETS)}")
    return diet


def _check_count(value, flag: str, limit: int) -> int | None:
    """None stays None (no constraint); anything else must be a whole number from 1 to `limit`."""
    if value is None:
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{flag} must be a whole number, got {value!r}") from None
    if not 1 <= number <= limit:
        raise UsageError(f"{flag} must be from 1 to {limit}, got {number}")
    return number
