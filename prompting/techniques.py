"""The three prompting techniques, each one small function: backend + request in, `RecipeResult` out.

    zero_shot(backend, request)      one plain instruction; the free-text reply is parsed
    few_shot(backend, request)       the same, after worked examples from data/prompting/examples.jsonl
    structured(backend, request)     system prompt + the recipe schema narrowed to the request (narrow.py:
                                     a cook's vocabulary built from the fridge, the diet, the servings and
                                     the time limit, kept out of the prompt), several candidates in one
                                     batched call with the checks choosing, and a bounded repair loop that
                                     tells the model which check failed

Every technique is judged by the same checks (checks.py), so their results can be set side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prompting.checks import CheckReport, check_edible, check_recipe
from prompting.narrow import recipe_schema
from prompting.parse import parse_recipe
from prompting.prompts import few_shot_messages, repair_message, structured_messages, zero_shot_messages
from prompting.schema import Recipe, RecipeRequest, recipe_from

TECHNIQUES = ("zero-shot", "few-shot", "structured")
MAX_REPAIRS = 2  # repair turns after the first attempt; then the best attempt is returned
CANDIDATES = 4  # replies sampled per round in one chat_batch call; the checks keep the best
CANDIDATE_TEMPERATURE = 0.7  # enough variety between candidates; one candidate is greedy (temperature 0)
TEXT_MAX_TOKENS = 320  # a short free-text recipe: title, ~6 ingredients, ~5 steps, the time
JSON_MAX_TOKENS = 448  # above the longest reply the schema's bounds allow in practice (see schema.py)


@dataclass
class Attempt:
    """One reply: the chat result (None when the reply was cut off), the recipe read from it, its checks."""

    result: object | None
    recipe: Recipe | None
    report: CheckReport
    error: str = ""  # why no recipe came back, when none did
    spent: list = field(default_factory=list)  # every reply of this round (all candidates), for the costs


@dataclass
class RecipeResult:
    technique: str
    request: RecipeRequest
    attempts: list[Attempt] = field(default_factory=list)
    best: Attempt | None = None

    @property
    def recipe(self) -> Recipe | None:
        return self.best.recipe if self.best else None

    @property
    def report(self) -> CheckReport:
        return self.best.report

    @property
    def results(self) -> list:
        return [r for a in self.attempts for r in (a.spent or [a.result]) if r is not None]


def judge(recipe: Recipe | None, request: RecipeRequest, result=None, error: str = "") -> Attempt:
    """Check a recipe; no recipe at all fails every check with the reason."""
    if recipe is None:
        reason = error or "no usable recipe (a title, ingredients and steps) came back"
        return Attempt(result, None, CheckReport({name: [reason] for name in CheckReport().failures}), reason)
    return Attempt(result, recipe, check_recipe(recipe, request))


def from_text(result, request: RecipeRequest) -> Attempt:
    return judge(parse_recipe(result.text), request, result)


def from_json(result, request: RecipeRequest) -> Attempt:
    return judge(recipe_from(result.parsed), request, result)


def score(attempt: Attempt) -> tuple[int, int]:
    """Lower is better: no recipe is worst, then the number of failed checks."""
    return (attempt.recipe is None, len(attempt.report.listed()))


def zero_shot(backend, request: RecipeRequest) -> RecipeResult:
    check_edible(request)
    result = backend.chat(zero_shot_messages(request), max_tokens=TEXT_MAX_TOKENS)
    attempt = from_text(result, request)
    return RecipeResult("zero-shot", request, [attempt], attempt)


def few_shot(backend, request: RecipeRequest) -> RecipeResult:
    check_edible(request)
    result = backend.chat(few_shot_messages(request), max_tokens=TEXT_MAX_TOKENS)
    attempt = from_text(result, request)
    return RecipeResult("few-shot", request, [attempt], attempt)


@dataclass(frozen=True)
class Variant:
    """How the structured technique runs; the evaluation's ablation switches one field at a time."""

    hidden: bool = True  # keep the schema out of the prompt (the grammar still enforces it)
    tight: bool = True  # the cook's vocabulary (narrow.py); False: free strings, only the names narrowed
    candidates: int = CANDIDATES  # replies per round, the checks choosing
    max_repairs: int = MAX_REPAIRS
    plan: bool = False  # the first round as two calls: the foods and amounts, then dish and steps (chain.py)

    @property
    def temperature(self) -> float:
        return CANDIDATE_TEMPERATURE if self.candidates > 1 else 0.0


def best_of(outcomes, request: RecipeRequest) -> tuple[Attempt, list[Attempt]]:
    """Judge each candidate reply (a ChatResult, or an error for one cut off) and return the best with all."""
    judged = [judge(None, request, error=str(o)) if isinstance(o, Exception)
              else judge(None, request, error=o.error) if o.error else from_json(o, request) for o in outcomes]
    best = min(judged, key=score)
    best.spent = [o for o in outcomes if not isinstance(o, Exception)]  # a reply that did not fit still cost
    return best, judged


def candidates_of(backend, messages, schema, variant: Variant) -> list:
    # chat_batch marks a reply that does not fit the schema with .error instead of raising
    return backend.chat_batch([messages] * variant.candidates, max_tokens=JSON_MAX_TOKENS, schema=schema,
                              temperature=variant.temperature)


def structured(backend, request: RecipeRequest, max_repairs: int | None = None, on_attempt=None,
               variant: Variant | None = None) -> RecipeResult:
    """Ask for `variant.candidates` recipes, keep the one the checks like best, and send its failed checks
    back at most `max_repairs` times."""
    check_edible(request)
    variant = variant or Variant()
    repairs = variant.max_repairs if max_repairs is None else max_repairs
    messages, schema = structured_messages(request), recipe_schema(request, variant.tight, variant.hidden)
    attempts: list[Attempt] = []
    for round_number in range(repairs + 1):
        if variant.plan and round_number == 0:
            from prompting.chain import plan_then_write

            outcomes = plan_then_write(backend, [request], variant, JSON_MAX_TOKENS)
        else:
            outcomes = candidates_of(backend, messages, schema, variant)
        attempt, _ = best_of(outcomes, request)
        attempts.append(attempt)
        if on_attempt:
            on_attempt(len(attempts), attempt)
        if attempt.report.passed or attempt.result is None:
            break
        messages = messages + [attempt.result.to_message(), repair_message(attempt.report.listed())]
    return RecipeResult("structured", request, attempts, min(reversed(attempts), key=score))


def make_recipe(backend, request: RecipeRequest, technique: str = "structured", **options) -> RecipeResult:
    """Run one technique by name."""
    functions = {"zero-shot": zero_shot, "few-shot": few_shot, "structured": structured}
    return functions[technique](backend, request, **options)
