"""The app-idea tab: `tailor advise`'s recommendation and why, beside the language model's own pick.

    advisor      the way `python -m advise.evaluate` measured best (the stored evaluation, else `combined`:
                 the embedding classifier stacked on the rules), with its reasons, what not to use, and
                 the demo folder to start from
    LLM's pick   advise/'s `prompt` way: the language model, few-shot on the labelled ideas, with its reason

Both are `advise.advisor.Advisor.advise`, exactly as the command runs it.
"""

from __future__ import annotations

from playground import inputs
from playground.events import measured

EXAMPLE = "An app that answers employees' questions about our internal HR policies, citing the policy page"


def check(body: dict) -> str:
    from advise.gate import MAX_CHARS, check_text

    return inputs.checked(check_text, inputs.text(body, "idea", MAX_CHARS, what="app idea"))


def run(idea: str, ctx, emit) -> None:
    from advise.advisor import default_way

    way, why = default_way()
    other = "prompt" if way != "prompt" else "classifier"
    emit.columns([("advisor", f"tailor advise ({way})", why),
                  ("other", "LLM's pick (prompt way)" if other == "prompt" else f"advise ({other})",
                   "the language model, few-shot on the labelled ideas")])
    emit("progress", message="loading the embedder and the advisor's classifier")
    for key, chosen in (("advisor", None), ("other", other)):
        needs_model = (chosen or way) == "prompt"
        measured(emit, key, ctx.make_backend if needs_model else None,
                 lambda meter, chosen=chosen: advice(idea, chosen, meter))


def advice(idea: str, way: str | None, meter) -> dict:
    from advise.advisor import Advisor
    from advise.methods import TITLES

    found = Advisor(backend=meter).advise(idea, way=way) if meter else Advisor().advise(idea, way=way)
    text = (f"{TITLES[found.primary]}" + (f" + {TITLES[found.supporting]}" if found.supporting else "")
            if found.describes_app else found.message)
    return {"text": text, "advice": found.to_dict(),
            "titles": {m: TITLES[m] for m in TITLES}}
