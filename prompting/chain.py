"""Plan, then write (prompt chaining): the first round of the structured technique in two calls.

    call 1  the plan: which foods go in and how much of each      {"ingredients": {food: amount}}
    call 2  for that plan: the dish's name, the steps, the time     {"title", "steps", "total_minutes"}

The second call sees the plan as its own earlier reply, and its schema is built from the foods the plan chose
(narrow.write_schema), so the title and every step name only foods the recipe lists. Each of the
`variant.candidates` plans gets its own second call (both calls batched); the two halves are joined into one
reply of the whole recipe's shape, which the checks judge and the repair loop can send back.
"""

from __future__ import annotations

import dataclasses
import json

from prompting.cooking import Food
from prompting.narrow import FAT, plan_schema, recipe_foods, write_schema
from prompting.prompts import structured_messages
from prompting.schema import RecipeRequest
from tailor.backends.base import Usage

RECIPE_ORDER = ("title", "ingredients", "steps", "total_minutes")  # the joined reply reads as one recipe


def chosen_foods(request: RecipeRequest, plan: dict) -> list[Food]:
    """The foods a plan listed, with their kinds (a staple by name: the fat, salt, black pepper)."""
    known = {f.name: f for f in recipe_foods(request)}
    return [known.get(name) or Food(name, "fat" if name == FAT else "staple") for name in plan["ingredients"]]


def write_turn(foods: list[Food]) -> dict:
    names = ", ".join(f.name for f in foods)
    return {"role": "user", "content": f"Now name the dish and write its steps with {names}, in the order a "
                                       "cook does them, and the total minutes."}


def joined(plan_result, write_result):
    """One reply of the whole recipe's shape from the two calls (tokens and seconds of both)."""
    if plan_result.error or write_result.error:
        return plan_result if plan_result.error else write_result
    merged = {**plan_result.parsed, **write_result.parsed}
    data = {key: merged[key] for key in RECIPE_ORDER}
    usage = Usage(plan_result.usage.prompt_tokens + write_result.usage.prompt_tokens,
                  plan_result.usage.completion_tokens + write_result.usage.completion_tokens)
    return dataclasses.replace(write_result, text=json.dumps(data), parsed=data, usage=usage,
                               latency_s=plan_result.latency_s + write_result.latency_s)


def plan_then_write(backend, requests: list[RecipeRequest], variant, max_tokens: int,
                    batch_size: int | None = None) -> list:
    """`variant.candidates` joined replies per request, in request order (flat), from two batched calls."""
    flat = [r for r in requests for _ in range(variant.candidates)]
    options = dict(max_tokens=max_tokens, temperature=variant.temperature, batch_size=batch_size)
    plans = backend.chat_batch([structured_messages(r) for r in flat],
                               schema=[plan_schema(r, variant.hidden) for r in flat], **options)
    todo = [(k, r, chosen_foods(r, p.parsed)) for k, (r, p) in enumerate(zip(flat, plans, strict=True))
            if not p.error]
    conversations = [structured_messages(r) + [plans[k].to_message(), write_turn(foods)] for k, r, foods in todo]
    schemas = [write_schema(foods, r, variant.hidden) for _, r, foods in todo]
    writes = dict(zip((k for k, _, _ in todo),
                      backend.chat_batch(conversations, schema=schemas, **options) if todo else [], strict=True))
    return [joined(plan, writes[k]) if k in writes else plan for k, plan in enumerate(plans)]
