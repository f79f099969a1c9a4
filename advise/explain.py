"""Turning a predicted label into advice a person can act on: reasons, what not to use, where to start.

The reasons are stated in the lesson's criteria: the chosen method's criterion, then the cue words the
idea actually contains for each criterion (so a user sees what the advice rests on), then the model's own
sentence when the prompt way produced one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from advise import rules
from advise.methods import CRITERIA, NONE, START_FROM, SUPPORT_ROLE, TITLES, avoid_list


@dataclass
class Advice:
    idea: str
    describes_app: bool
    way: str
    primary: str | None = None
    supporting: str | None = None   # None when no second method helps
    confidence: float | None = None  # the classifier's probability; None where no calibrated number exists
    confidence_kind: str = ""
    reasons: list[str] = field(default_factory=list)
    avoid: list[dict] = field(default_factory=list)  # [{"method", "why"}]
    start_from: dict = field(default_factory=dict)   # {"folder", "demo", "command"}
    why_way: str = ""
    latency_s: float = 0.0
    message: str = ""  # set when the text is not an app idea

    def to_dict(self) -> dict:
        return asdict(self)


CONFIDENCE_KIND = {
    "rules": "share of the matched criteria that agree (a heuristic, not a probability)",
    "classifier": "the classifier's probability for the method",
    "combined": "the stacked classifier's probability for the method",
    "prompt": "",
}


def criteria_reasons(idea: str, primary: str) -> list[str]:
    """The chosen method's criterion, then each criterion the idea's wording touches."""
    reasons = [f"{TITLES[primary]}: {CRITERIA[primary]}"]
    for name, words in rules.criteria(idea).items():
        if words:
            quoted = ", ".join(f"'{w}'" for w in words[:4])
            reasons.append(f"the idea {rules.CRITERION_TEXT[name]} ({quoted})")
    if len(reasons) == 1:
        reasons.append("the idea names no private data, style, action or non-text input")
    return reasons


def build_advice(idea: str, way: str, why_way: str, prediction: dict, latency_s: float) -> Advice:
    primary = prediction["primary"]
    supporting = None if prediction.get("supporting", NONE) == NONE else prediction["supporting"]
    reasons = criteria_reasons(idea, primary)
    if supporting:
        reasons.append(f"supporting {TITLES[supporting]}: {SUPPORT_ROLE[supporting]}")
    elif primary == "custom_ml":
        # The lesson's point: beside a custom model the LLM still has a job, explaining what it found.
        reasons.append("beside the custom model, an LLM can still explain its results to users in words")
    if prediction.get("reason"):
        reasons.append(f"the model says: {prediction['reason']}")
    folder, demo, command = START_FROM[primary]
    return Advice(
        idea=idea, describes_app=True, way=way, primary=primary, supporting=supporting,
        confidence=prediction.get("confidence"), confidence_kind=CONFIDENCE_KIND[way], reasons=reasons,
        avoid=[{"method": m, "why": why} for m, why in avoid_list(primary, supporting)],
        start_from={"folder": folder, "demo": demo, "command": command}, why_way=why_way,
        latency_s=round(latency_s, 3))


def not_an_app(idea: str, way: str, why: str, latency_s: float) -> Advice:
    message = f"this does not describe an app, so no method is recommended: {why}"
    return Advice(idea=idea, describes_app=False, way=way, message=message, latency_s=round(latency_s, 3))


def format_text(advice: Advice) -> str:
    """The human-readable form printed by `tailor advise`."""
    if not advice.describes_app:
        return advice.message
    head = TITLES[advice.primary]
    if advice.supporting:
        head += f"  + supporting: {TITLES[advice.supporting]}"
    confidence = ("n/a (a generated label has no calibrated probability)" if advice.confidence is None
                  else f"{advice.confidence:.2f} ({advice.confidence_kind})")
    lines = [f"recommended: {head}", f"confidence:  {confidence}", "why:"]
    lines += [f"  - {reason}" for reason in advice.reasons]
    lines.append("not these:")
    lines += [f"  - {TITLES[item['method']]}: {item['why']}" for item in advice.avoid]
    start = advice.start_from
    lines.append(f"start from:  {start['folder']} ({start['demo']}; {start['command']})")
    lines.append(f"decided by:  {advice.way} ({advice.why_way}) in {advice.latency_s:.2f} s")
    return "\n".join(lines)
