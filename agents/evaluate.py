"""The scenario evaluation: does the database end up right? The agent beside a baseline without the loop.

    tailor reserve --scenarios data/agents/scenarios.jsonl            # every configuration, all scenarios
    tailor reserve --scenarios data/agents/scenarios.jsonl --limit 6  # a quick look
    python -m agents.evaluate --limit 6                               # the same, on the bundled scenarios

Each scenario runs on a fresh copy of the database (with its `setup` bookings), as user alice on a fixed
"today" (2027-03-01), answering approvals from the scenario's list. Success = the end state is the expected
one: exactly the expected new bookings, exactly the expected cancellations, the expected tool calls made,
or (for missing details) a question back and no write. Also measured: tool calls per task, invalid-call
rate, argument accuracy (fields of the last book/cancel call right), latency, tokens and cost.
Writes runs_dir()/eval/agents.json.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from agents import db
from agents.baseline import run_baseline
from agents.dates import parse_date, parse_time
from agents.graph import ReservationAgent
from agents.state import Context
from tailor.errors import UsageError
from tailor.runfiles import eval_path, jsonl_lines, write_json

TODAY = dt.date(2027, 3, 1)  # the scenarios' dates are written against this day (a Monday)
USER = "alice"
SCENARIO_KEYS = {"id", "kind", "turns", "approvals", "expect", "setup"}
UNPLANNED_APPROVALS = 2  # approvals a scenario did not plan for, answered no, before the run is stopped


# -- scenarios ------------------------------------------------------------------------------------
def load_scenarios(path, limit: int | None = None) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"scenario file {path} not found; try data/agents/scenarios.jsonl")
    scenarios = []
    for number, item in jsonl_lines(path):
        if not isinstance(item, dict) or not item.get("turns") or set(item) - SCENARIO_KEYS:
            raise UsageError(f"{path}:{number}: a scenario needs turns and only the keys {sorted(SCENARIO_KEYS)}")
        scenarios.append(item)
    if not scenarios:
        raise UsageError(f"{path} has no scenarios")
    return scenarios[:limit]


def prepare_db(path: Path, scenario: dict) -> None:
    """A fresh database holding only the scenario's setup bookings (ids 1, 2, ... in order), and no
    conversation left from an earlier run."""
    path.with_suffix(".checkpoints.db").unlink(missing_ok=True)
    db.reset(path)
    conn = db.connect(path)
    try:
        for i, item in enumerate(scenario.get("setup", [])):
            db.book(conn, db.restaurant(conn, item["restaurant"]), item["user"], item["party_size"],
                    item["date"], item["time"], key=f"setup-{i}")
    finally:
        conn.close()


# -- running one scenario -------------------------------------------------------------------------
def run_agent(backend, ctx: Context, turns: list[str], approvals: list[str]) -> dict:
    agent = ReservationAgent(backend, ctx.user, ctx.db_path, today=ctx.today)
    answers, turn, started = list(approvals), None, time.perf_counter()
    unplanned, stopped = 0, ""
    try:
        for text in turns:
            turn = agent.send(text, "eval")
            while turn.pending:  # an approval the scenario did not plan for is answered no
                if not answers:
                    unplanned += 1
                if unplanned > UNPLANNED_APPROVALS:  # a model that asks again after every no would never stop
                    stopped = f"stopped: {UNPLANNED_APPROVALS} unplanned approvals answered no, and it asked again"
                    break
                turn = agent.resume(answers.pop(0) if answers else "no", "eval")
        trace = agent.state("eval").get("trace", [])
    finally:
        agent.close()
    return {"trace": trace, "reply": turn.reply, "stopped": stopped or turn.stopped,
            "seconds": time.perf_counter() - started}


def run_scenario(config: str, backend, scenario: dict, folder: Path) -> dict:
    path = folder / f"{scenario['id']}.db"
    prepare_db(path, scenario)
    ctx = Context(USER, path, TODAY)
    runner = run_baseline if config.startswith("baseline") else run_agent
    started = time.perf_counter()
    try:
        outcome = runner(backend, ctx, scenario["turns"], scenario.get("approvals", []))
    except Exception as error:  # one broken scenario is a failure, never the end of the evaluation
        outcome = {"trace": [], "reply": "", "stopped": f"error: {error}", "seconds": time.perf_counter() - started}
    outcome["success"] = judge(path, scenario, outcome)
    return outcome


# -- judging the end state ------------------------------------------------------------------------
def judge(path: Path, scenario: dict, outcome: dict) -> bool:
    expect = scenario.get("expect", {})
    conn = db.connect(path)
    try:
        rows = db.bookings(conn, status=None)
    finally:
        conn.close()
    setup = len(scenario.get("setup", []))
    new = [b for b in rows if b.id > setup and b.status == "active"]
    cancelled = {b.id for b in rows if b.id <= setup and b.status == "cancelled"}
    wanted = list(expect.get("bookings", []))
    matched = all(any(_same(b, w) for b in new) for w in wanted) and len(new) == len(wanted)
    called = {step.get("tool") for step in outcome["trace"] if step.get("kind") == "tool"}
    ok = matched and cancelled == set(expect.get("cancelled", [])) and set(expect.get("calls", [])) <= called
    if expect.get("asks"):
        ok = ok and not outcome["stopped"] and "?" in (outcome["reply"] or "")
    return ok


def _same(booking, wanted: dict) -> bool:
    names = wanted["restaurant"] if isinstance(wanted["restaurant"], list) else [wanted["restaurant"]]
    return (booking.restaurant in names and booking.user == USER and booking.party_size == wanted["party_size"]
            and booking.date == wanted["date"] and booking.time == wanted["time"])


def argument_accuracy(scenario: dict, trace: list[dict]) -> tuple[int, int]:
    """(fields right, fields expected) for the last book_table or cancel_booking call."""
    expect = scenario.get("expect", {})
    if expect.get("bookings"):
        tool, wanted = "book_table", expect["bookings"][-1]
    elif expect.get("cancelled"):
        tool, wanted = "cancel_booking", {"booking_id": expect["cancelled"][-1]}
    else:
        return 0, 0
    calls = [s["arguments"] for s in trace if s.get("tool") == tool and isinstance(s.get("arguments"), dict)]
    given = calls[-1] if calls else {}
    return sum(_field_right(key, given.get(key), value) for key, value in wanted.items()), len(wanted)


def _field_right(key: str, given, wanted) -> bool:
    try:
        if key == "date":
            return parse_date(str(given), TODAY) == wanted
        if key == "time":
            return parse_time(str(given)) == wanted
        if key == "restaurant":
            return db.slug(str(given)) in {db.slug(w) for w in (wanted if isinstance(wanted, list) else [wanted])}
        return int(given) == wanted
    except (TypeError, ValueError):
        return False


# -- metrics and the report -----------------------------------------------------------------------
def summarize(scenarios: list[dict], outcomes: list[dict]) -> dict:
    tools = [s for o in outcomes for s in o["trace"] if s.get("kind") == "tool"]
    models = [s for o in outcomes for s in o["trace"] if s.get("kind") == "model"]
    fields = [argument_accuracy(s, o["trace"]) for s, o in zip(scenarios, outcomes, strict=True)]
    seconds = sorted(o["seconds"] for o in outcomes)
    usd = [m.get("usd") for m in models if "error" not in m]  # a reply cut off mid-JSON reports no usage
    n = len(outcomes)
    return {
        "items": n,
        "success_rate": sum(o["success"] for o in outcomes) / n,
        "succeeded": sum(o["success"] for o in outcomes),
        "tool_calls_per_task": len(tools) / n,
        "invalid_call_rate": sum(s["status"] == "invalid" for s in tools) / len(tools) if tools else 0.0,
        "argument_accuracy": sum(f[0] for f in fields) / max(1, sum(f[1] for f in fields)),
        "latency_s_mean": statistics.fmean(seconds),
        "latency_s_p50": seconds[n // 2],
        "latency_s_p95": seconds[min(n - 1, int(0.95 * n))],
        "model_calls_per_task": len(models) / n,
        "prompt_tokens_per_task": sum(m.get("prompt_tokens", 0) for m in models) / n,
        "completion_tokens_per_task": sum(m.get("completion_tokens", 0) for m in models) / n,
        "usd_total": None if any(u is None for u in usd) else sum(usd),
        "stopped_at_limit": sum(bool(o["stopped"]) for o in outcomes),
        "per_scenario": {s["id"]: o["success"] for s, o in zip(scenarios, outcomes, strict=True)},
        "stopped": {s["id"]: o["stopped"] for s, o in zip(scenarios, outcomes, strict=True) if o["stopped"]},
    }


def evaluate(configs: dict, scenarios: list[dict], progress=print, limits: dict | None = None) -> dict:
    """configs: name -> backend; names starting with "baseline" run the no-loop baseline.
    limits: name -> how many of the first scenarios that configuration runs (default: all)."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="tailor-agents-eval-") as folder:
        for name, backend in configs.items():
            outcomes = []
            chosen = scenarios[:(limits or {}).get(name) or len(scenarios)]
            for scenario in chosen:
                outcomes.append(run_scenario(name, backend, scenario, Path(folder)))
                progress(f"  {name:<28} {scenario['id']:<15} {'ok' if outcomes[-1]['success'] else 'FAIL'} "
                         f"({outcomes[-1]['seconds']:.1f} s)")
            results[name] = {"backend": backend.name, "model": backend.model, **summarize(chosen, outcomes)}
    return results


def write_report(results: dict, scenarios: list[dict], source: str) -> Path:
    agents = {k: v for k, v in results.items() if not k.startswith("baseline")}
    baselines = {k: v for k, v in results.items() if k.startswith("baseline")}
    best = max(agents, key=lambda k: agents[k]["success_rate"]) if agents else None
    report = {
        "demo": "agents", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "items": len(scenarios),
        "scenarios": source, "today": TODAY.isoformat(), "metric": "success_rate",
        "backend": agents[best]["backend"] if best else None, "model": agents[best]["model"] if best else None,
        "value": agents[best]["success_rate"] if best else None,
        "baseline": next(iter(baselines.values()))["success_rate"] if baselines else None,
        "best_config": best, "configs": results,
    }
    return write_json(eval_path("agents"), report)


def print_table(results: dict) -> None:
    print(f"\n{'configuration':<30}{'items':>6}{'success':>9}{'calls/task':>11}{'invalid':>9}{'args ok':>9}"
          f"{'s/task':>8}{'tokens/task':>12}")
    for name, r in results.items():
        tokens = r["prompt_tokens_per_task"] + r["completion_tokens_per_task"]
        print(f"{name:<30}{r['items']:>6}{r['success_rate']:>9.0%}{r['tool_calls_per_task']:>11.1f}"
              f"{r['invalid_call_rate']:>9.0%}{r['argument_accuracy']:>9.0%}{r['latency_s_mean']:>8.1f}{tokens:>12.0f}")


def configurations(args) -> dict:
    """Which backends to compare: on the local model, with and without the adapter, and the baseline."""
    from agents import adapter_path, make_backend
    from tailor.backends import chosen_backend

    base = make_backend(args.backend, args.model, adapter=None)
    chosen = base.name
    loads_adapters = "adapter" in chosen_backend(chosen).honours
    configs = {f"agent ({chosen})": base, f"baseline ({chosen}, no loop)": base}
    adapter = adapter_path() if loads_adapters and not args.no_adapter else None
    if adapter:
        configs = {f"agent ({chosen} + tool adapter)": make_backend(args.backend, args.model, adapter=adapter),
                   **configs}
    elif loads_adapters:
        print("no tool-calling adapter yet (tailor reserve train-tools): the local model runs without it",
              file=sys.stderr)
    return configs


def add_arguments(parser) -> None:
    from agents.options import add_evaluation_options
    from tailor.config import data_dir

    add_evaluation_options(parser, scenarios=str(data_dir() / "agents" / "scenarios.jsonl"))


def run(args) -> int:
    scenarios = load_scenarios(args.scenarios, args.limit)
    configs = configurations(args)
    print(f"{len(scenarios)} scenarios x {len(configs)} configurations", file=sys.stderr)
    # the configurations beside the adapter can be limited: untrained, the local model writes long
    # invalid calls until the recursion limit, minutes a scenario on a CPU
    limits = {name: args.compare_limit for name in configs if "adapter" not in name} if args.compare_limit else None
    results = evaluate(configs, scenarios, progress=lambda line: print(line, file=sys.stderr), limits=limits)
    print_table(results)
    print(f"\nwrote {write_report(results, scenarios, str(args.scenarios))}")
    return 0


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
