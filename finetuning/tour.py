"""The tutor in `tailor tour`: train a quick adapter if none exists, then ask base and adapter."""

from __future__ import annotations

from finetuning.voice import RULES, check_voice
from tailor.adapters import find

QUICK_STEPS = 20  # half an epoch: about 1.5 minutes on 2 free cores (the default run is 43 steps)
QUESTION = "Homework help: what is 35% of 60?"  # not in the training set


def run(args) -> str:
    from finetuning.cli import default_data
    from finetuning.train import TrainConfig, train
    from finetuning.tutor import ask, tutor_backend

    model, engine = getattr(args, "model", None), getattr(args, "backend", None)
    if find("tutor") is None:  # neither trained by the user nor shipped (a copy without adapters/)
        print(f"no tutor adapter yet: training a quick one ({QUICK_STEPS} steps) ...", flush=True)
        train(TrainConfig(data=default_data(), base=model, max_steps=QUICK_STEPS), progress=False)
    scores = {}
    for label, backend in (("base", tutor_backend(base_only=True, model=model, backend=engine)),
                           ("adapter", tutor_backend(model=model, backend=engine))):
        answer = ask(backend, QUESTION).text
        verdict = check_voice(QUESTION, answer, solution="21")
        scores[label] = sum(verdict.values())
        print(f"\n[{label}] follows {scores[label]}/{len(RULES)} voice rules\n{answer}")
    total = len(RULES)
    return f"voice rules followed: base {scores['base']}/{total}, adapter {scores['adapter']}/{total}"
