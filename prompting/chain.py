"""Plan, then write (prompt chaining): the first round of the structured technique in two calls.

    call 1  the dish and its ingredients      {"title", "ingredients"}   (candidates; the checks pick one)
    call 2  the steps for that plan           {"steps", "total_minutes"} (candidates)

Each call is smaller than the whole recipe, and the second one sees the chosen plan as its own earlier reply,
so its steps can name the ingredients it has just listed. The two halves are joined into one reply of the
whole `Recipe` shape, which the same checks judge and the same repair loop can send back.
"""

from __future__ import annotations

import dataclasses
import json

from pydantic import ConfigDict, create_model

from prompting.checks import check_recipe
from prompting.narrow import narrowed_recipe
from prompting.prompts import structured_messages
from prompting.schema import Recipe, RecipeRequest
from tailor.backends.base import Usage
from tailor.chat_format import HIDE_FROM_PROMPT

PLAN_FIELDS = ("title", "ingredients")
WRITE_FIELDS = ("steps", "total_minutes")
PLAN_CHECKS = ("ingredients", "diet", "quantities", "values")  # what a plan without steps can be judged on


def part_of(schema: type[Recipe], names: tuple[str, ...], hidden: bool) -> type:
    """The narrowed schema cut down to some of its fields (same constraints each)."""
    fields = {name: (schema.model_fields[name].annotation, schema.model_fields[name]) for name in names}
    config = ConfigDict(json_schema_extra={HIDE_FROM_PROMPT: True}) if hidden else None
    return create_model("Part", __config__=config, **fields)


def plan_failures(plan, request: RecipeRequest) -> int:
    """How many checks a plan (the parsed first call) already fails; its steps are not written yet."""
    draft = Recipe.model_construct(title=plan.title, ingredients=plan.ingredients, steps=[], total_minutes=None)
    failures = check_recipe(draft, request).failures
    return sum(len(failures[name]) for name in PLAN_CHECKS)


def write_turn(plan) -> dict:
    names = ", ".join(item.name for item in plan.ingredients)
    return {"role": "user", "content": f"Now write 3 or 4 steps to cook {plan.title} with {names}, each one "
                                       "sentence naming what to do with which ingredient, and the total minutes."}


def joined(plan_result, write_result, schema: type[Recipe]):
    """One reply of the whole Recipe shape from the two calls (tokens and seconds of both)."""
    if write_result.error:
        return write_result
    data = {**plan_result.parsed.model_dump(), **write_result.parsed.model_dump()}
    usage = Usage(plan_result.usage.prompt_tokens + write_result.usage.prompt_tokens,
                  plan_result.usage.completion_tokens + write_result.usage.completion_tokens)
    return dataclasses.replace(write_result, text=json.dumps(data), parsed=schema.model_validate(data),
                               usage=usage, latency_s=plan_result.latency_s + write_result.latency_s)


def plan_then_write(backend, requests: list[RecipeRequest], variant, max_tokens: int,
                    batch_size: int | None = None) -> list:
    """`variant.candidates` joined replies per request, in request order (flat), from two batched calls."""
    n = variant.candidates
    schemas = [narrowed_recipe(r, variant.tight, variant.hidden) for r in requests]
    plans_schema = [part_of(s, PLAN_FIELDS, variant.hidden) for s in schemas]
    writes_schema = [part_of(s, WRITE_FIELDS, variant.hidden) for s in schemas]
    options = dict(max_tokens=max_tokens, temperature=variant.temperature, batch_size=batch_size)
    flat = [i for i in range(len(requests)) for _ in range(n)]
    plans = backend.chat_batch([structured_messages(requests[i]) for i in flat],
                               schema=[plans_schema[i] for i in flat], **options)
    chosen = []
    for i, request in enumerate(requests):
        ok = [p for p in plans[i * n:(i + 1) * n] if not p.error]
        chosen.append(min(ok, key=lambda p: plan_failures(p.parsed, request)) if ok else None)
    conversations = [structured_messages(requests[i]) + [chosen[i].to_message(),
                                                         write_turn(chosen[i].parsed)]
                     for i in flat if chosen[i] is not None]
    todo = [i for i in flat if chosen[i] is not None]
    writes = iter(backend.chat_batch(conversations, schema=[writes_schema[i] for i in todo], **options)
                  if todo else [])
    return [joined(chosen[i], next(writes), schemas[i]) if chosen[i] is not None else plans[k]
            for k, i in enumerate(flat)]
