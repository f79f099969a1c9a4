"""Reading a free-text recipe (the zero-shot and few-shot replies) into the same `Recipe` shape, so the same
checks can judge every technique. The parser is forgiving about layout (markdown, bullets, "Instructions:")
but invents nothing: a time that is not stated stays None, and a reply without a title, an ingredient
or a step is not a usable recipe.
"""

from __future__ import annotations

import re

from prompting.schema import Ingredient, Recipe

INGREDIENTS_HEADER = re.compile(r"^[#*\s]*ingredients?\b", re.I)
STEPS_HEADER = re.compile(r"^[#*\s]*(steps?|instructions?|directions?|method|preparation)\b", re.I)
BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
QUANTITY = re.compile(r"^((?:[\d/.\u00bd\u00bc\u00be-]+|a|an|one|two|three|four|half)\s*"
                      r"(?:g|kg|ml|l|oz|lb|cups?|tbsp|tsp|tablespoons?|teaspoons?|cans?|slices?|cloves?|"
                      r"handfuls?|pinch(?:es)?|bunch(?:es)?)?\.?)\s+(?:of\s+)?(.+)$", re.I)
TOTAL_TIME = re.compile(r"(total|time|ready in|takes)\D{0,20}?(\d+)\s*(hours?|hrs?|minutes?|mins?)\b", re.I)


def clean(line: str) -> str:
    return line.strip().strip("#*_ ").strip()


def split_quantity(text: str) -> Ingredient:
    """'100 g spinach' -> quantity '100 g', name 'spinach'; no quantity -> 'to taste'."""
    text = clean(BULLET.sub("", text, count=1))
    match = QUANTITY.match(text)
    quantity, name = (match.group(1), match.group(2)) if match else ("to taste", text)
    return Ingredient.model_construct(name=name.strip(" .,:"), quantity=quantity.strip())


def total_minutes(text: str) -> int | None:
    """The stated total time in minutes ('Total time: 20 minutes', 'ready in 1 hour'), else None."""
    match = TOTAL_TIME.search(text)
    if not match:
        return None
    number = int(match.group(2))
    return number * 60 if match.group(3).lower().startswith("h") else number


def sections(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(lines before any header, ingredient lines, step lines)."""
    head, ingredients, steps, current = [], [], [], None
    for line in lines:
        if INGREDIENTS_HEADER.match(line) and len(line) < 40:
            current = ingredients
        elif STEPS_HEADER.match(line) and len(line) < 40:
            current = steps
        elif current is None:
            head.append(line)
        else:
            current.append(line)
    return head, ingredients, steps


TITLE_LABEL = re.compile(r"^(title|recipe|dish)\s*(name)?\s*:\s*", re.I)


def is_item(line: str, in_section: bool) -> bool:
    """A list line: bulleted or numbered, or (inside its section) any short line that is not a header."""
    return bool(BULLET.match(line)) or (in_section and len(clean(line)) < 200 and not clean(line).endswith(":"))


def parse_recipe(text: str) -> Recipe | None:
    """A `Recipe` (built without schema limits) from free text, or None when it is not a usable recipe.

    A person reads a title, an ingredient list and steps in many layouts; so does this: bullets or none
    inside a section, "Title:" or a bold first line, numbered steps with or without a "Steps:" header."""
    lines = [line for line in text.splitlines() if clean(line)]
    head, ingredient_lines, step_lines = sections(lines)
    if not step_lines:  # no "Steps:" header: numbered lines after the ingredients are the steps
        step_lines = [line for line in ingredient_lines if NUMBERED.match(line)]
        ingredient_lines = [line for line in ingredient_lines if not NUMBERED.match(line)]
    ingredients = [split_quantity(line) for line in ingredient_lines if is_item(line, True)
                   and not TOTAL_TIME.search(clean(line))]
    steps = [clean(BULLET.sub("", line, count=1)) for line in step_lines
             if is_item(line, True) and not TOTAL_TIME.match(clean(line))]
    title = next((TITLE_LABEL.sub("", clean(line)).strip() for line in head
                  if not TOTAL_TIME.search(line)), "")
    if not title or not ingredients or not steps:
        return None
    return Recipe.model_construct(title=title, ingredients=ingredients, steps=steps,
                                  total_minutes=total_minutes(text))
