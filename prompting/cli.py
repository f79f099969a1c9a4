"""`tailor recipe ...` (and `python -m prompting ...`): a recipe from what is in the fridge.

    tailor recipe "eggs, spinach, feta, half an onion" --diet vegetarian --max-minutes 20 --servings 2
    tailor recipe "..." --technique zero-shot        # or few-shot; streams the free-text reply
    tailor recipe "..." --json                       # the structured recipe and its checks as JSON
    tailor recipe --evaluate --limit 5               # the three techniques measured side by side

Light on purpose: torch and transformers load only when a recipe is generated.
"""

from __future__ import annotations

import json
import sys
import time

from prompting.options import TECHNIQUE_NAMES, add_eval_options, add_recipe_options


def add_commands(subparsers, common) -> None:
    from tailor.cliutil import positive_int

    parser = subparsers.add_parser("recipe", parents=[common],
                                   help="Smart Recipe Generator: a recipe from your fridge (prompting)",
                                   description="A recipe from what is in the fridge, by prompting alone.")
    add_recipe_options(parser)
    group = parser.add_argument_group("evaluation")
    group.add_argument("--evaluate", action="store_true",
                       help="measure the three techniques on data/prompting/fridges.jsonl instead")
    add_eval_options(group, positive_int)
    parser.set_defaults(func=run)


def run(args) -> int:
    if getattr(args, "evaluate", False):
        from prompting.evaluate import run as run_evaluation

        return run_evaluation(args)
    from prompting.checks import check_edible

    request, technique = request_from_args(args)
    check_edible(request)  # an honest refusal before any model is loaded
    from tailor.cliutil import backend_from_args

    backend = backend_from_args(args)
    if technique == "structured":
        return show_structured(backend, request, args)
    return show_free_text(backend, request, technique, args)


def request_from_args(args):
    from prompting.schema import RecipeRequest
    from tailor.cliutil import read_prompt
    from tailor.errors import UsageError

    if args.ingredients is None:
        raise UsageError("say what is in the fridge, e.g. tailor recipe \"eggs, spinach, feta\" "
                         "(or use --evaluate)")
    if args.technique not in TECHNIQUE_NAMES:
        raise UsageError(f"unknown technique {args.technique!r}; choose one of: {', '.join(TECHNIQUE_NAMES)}")
    fridge = read_prompt(args.ingredients, what="ingredient list")
    return RecipeRequest.create(fridge, args.diet, args.max_minutes, args.servings), args.technique


def show_structured(backend, request, args) -> int:
    from prompting.render import checks_text, recipe_text
    from prompting.techniques import structured

    def progress(number, attempt):
        state = "checks passed" if attempt.report.passed else f"{len(attempt.report.listed())} checks failed"
        print(f"[attempt {number}: {state}]", file=sys.stderr, flush=True)

    result = structured(backend, request, max_repairs=args.max_repairs, on_attempt=progress)
    if args.json:
        print(json.dumps(as_json(result), indent=2))
    else:
        print(recipe_text(result.recipe, request) if result.recipe else "no usable recipe came back")
        print("\n" + checks_text(result.report, len(result.attempts)))
    footer(backend, result.results)
    return 0


def show_free_text(backend, request, technique: str, args) -> int:
    """Stream the reply as it is written, then read it back into a recipe and check it."""
    from prompting.parse import parse_recipe
    from prompting.prompts import few_shot_messages, zero_shot_messages
    from prompting.render import checks_text
    from prompting.techniques import TEXT_MAX_TOKENS, RecipeResult, judge

    build = zero_shot_messages if technique == "zero-shot" else few_shot_messages
    started, pieces = time.perf_counter(), []
    for piece in backend.stream(build(request), max_tokens=TEXT_MAX_TOKENS):
        pieces.append(piece)
        if not args.json:
            print(piece, end="", flush=True)
    attempt = judge(parse_recipe("".join(pieces)), request)
    if args.json:
        print(json.dumps(as_json(RecipeResult(technique, request, [attempt], attempt)), indent=2))
    else:
        print("\n\n" + checks_text(attempt.report, 1))
    print(f"[{backend.name}:{backend.model} | {time.perf_counter() - started:.2f} s]", file=sys.stderr)
    return 0


def as_json(result) -> dict:
    recipe = result.recipe
    return {"technique": result.technique, "request": vars(result.request),
            "recipe": recipe.model_dump(warnings=False) if recipe else None,
            "checks": {"passed": result.report.passed, "failures": result.report.failures},
            "attempts": len(result.attempts)}


def footer(backend, results) -> None:
    """Totals over every attempt, on standard error so they never mix with the recipe."""
    prompt = sum(r.usage.prompt_tokens for r in results)
    completion = sum(r.usage.completion_tokens for r in results)
    seconds = sum(r.latency_s for r in results)
    usd = [r.cost().usd for r in results]
    cost = "n/a" if None in usd else f"${sum(usd):.6f}"
    print(f"[{backend.name}:{backend.model} | {len(results)} calls | {prompt} prompt + {completion} completion "
          f"tokens | {seconds:.2f} s | {cost}]", file=sys.stderr)
