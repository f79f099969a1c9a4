"""prompting: the Smart Recipe Generator, a pre-trained model customized by prompting alone (see README.md).

    from prompting import RecipeRequest, structured
    result = structured(get_backend(), RecipeRequest.create("eggs, spinach, feta", diet="vegetarian"))
    result.recipe, result.report.failures

Names load lazily so `tailor --help` never pays for them.
"""

from importlib import import_module

_EXPORTS = {
    "RecipeRequest": "prompting.schema", "Recipe": "prompting.schema", "Ingredient": "prompting.schema",
    "zero_shot": "prompting.techniques", "few_shot": "prompting.techniques", "structured": "prompting.techniques",
    "make_recipe": "prompting.techniques", "RecipeResult": "prompting.techniques",
    "check_recipe": "prompting.checks", "evaluate": "prompting.evaluate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'prompting' has no attribute {name!r}")
