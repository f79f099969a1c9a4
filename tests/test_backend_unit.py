"""Control flow of the backend adapter on the fake backend: input checks, results, tools, schemas, cost."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from tailor.backends import get_backend
from tailor.backends.base import Usage
from tailor.backends.fake import FakeBackend
from tailor.backends.structured import parse_tool_reply, tool_reply_schema, validate_reply
from tailor.backends.tools import Tool, normalize_tools
from tailor.cost import PRICES, cost_of, projected_usd
from tailor.errors import BackendError, SchemaError, UsageError


class City(BaseModel):
    name: str
    population: int


def book_table(restaurant: str, party_size: int = 2) -> str:
    """Book a table at a restaurant.

    Longer explanation that is not part of the description.
    """
    return f"booked {restaurant} for {party_size}"


def test_get_backend_unknown_name_lists_the_valid_ones():
    with pytest.raises(UsageError, match="local, llamacpp, openai, fake"):
        get_backend("vllm")


def test_get_backend_reads_the_environment(monkeypatch):
    monkeypatch.setenv("TAILOR_BACKEND", "fake")
    assert get_backend().name == "fake"
    assert get_backend("fake", model="scripted").model == "scripted"


def test_an_option_the_backend_cannot_honour_is_refused_naming_one_that_can(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    with pytest.raises(UsageError, match="openai backend cannot load a LoRA adapter; use --backend local"):
        get_backend("openai", adapter="runs/tutor/latest")
    with pytest.raises(UsageError, match="fake backend cannot quantize"):
        get_backend("fake", quantize="int4")


def test_a_decoding_tweak_is_left_to_backends_that_decode_their_own_way(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert get_backend("openai", repetition_penalty=1.15, model="m").name == "openai"
    assert get_backend("fake", repetition_penalty=1.15, adapter="a").model == "fake-model"


def test_a_new_backend_is_one_registry_entry(monkeypatch, capsys):
    """--backend's choices, `get_backend` and `tailor info` all read the one list."""
    import dataclasses

    from tailor.backends import registry
    from tailor.cliutil import backend_options
    from tailor.commands import info

    entry = dataclasses.replace(registry.BACKENDS["fake"], name="scripted", hint="replies from a script")
    monkeypatch.setitem(registry.BACKENDS, "scripted", entry)
    args = backend_options().parse_args(["--backend", "scripted"])
    assert get_backend(args.backend).name == "fake"  # the entry's class
    assert "scripted (replies from a script)" in " ".join(backend_options().format_help().split())
    with pytest.raises(UsageError, match="local, llamacpp, openai, fake, scripted"):
        get_backend("nonesuch")
    info(args)
    assert "backend       scripted\nmodel         fake-model" in capsys.readouterr().out


@pytest.mark.parametrize("messages", [[], "", "   ", [{"role": "user", "content": "  "}],
                                      [{"role": "wizard", "content": "hi"}], [{"role": "user", "content": 3}],
                                      "not a list".split()])
def test_empty_or_malformed_messages_are_refused(fake, messages):
    with pytest.raises(UsageError):
        fake.chat(messages)
    assert fake.requests == []


@pytest.mark.parametrize("options", [{"max_tokens": 0}, {"max_tokens": 10**6}, {"max_tokens": "5"},
                                     {"temperature": -1}, {"temperature": 3}, {"tool_choice": "nope"}])
def test_out_of_range_options_are_refused(fake, options):
    with pytest.raises(UsageError):
        fake.chat("hello", **options)


def test_chat_returns_text_usage_and_timing(fake):
    fake.queue(text="Paris is the capital.")
    result = fake.chat([{"role": "user", "content": "Capital of France?"}], max_tokens=20)
    assert result.text == "Paris is the capital."
    assert result.usage.completion_tokens == 4 and result.usage.prompt_tokens == 3
    assert result.latency_s >= 0 and result.backend == "fake"
    assert fake.requests[0].max_tokens == 20


def test_stream_pieces_join_to_the_chat_text():
    fake = FakeBackend(replies=["one two three", "one two three"])
    assert "".join(fake.stream("count")) == fake.chat("count").text


def test_a_stream_keeps_the_replys_usage_once_read(fake):
    fake.queue(text="one two three").queue(text="one two three")
    stream = fake.stream("count to three")
    with pytest.raises(RuntimeError, match="once every piece has been read"):
        print(stream.usage)
    assert list(stream) == ["one", " two", " three"]
    whole = fake.chat("count to three")
    assert stream.usage == whole.usage == Usage(3, 3) and stream.result.text == whole.text
    assert not fake.requests[0].tools and fake.requests[0].stream and not fake.requests[1].stream


def test_a_streamed_reply_that_misses_the_schema_is_marked_not_raised(fake):
    class Point(BaseModel):
        x: int

    fake.queue(text="not json")
    stream = fake.stream("a point", schema=Point)
    assert "".join(stream) == "not json"
    assert stream.result.parsed is None and "not" in stream.result.error


def test_schema_reply_is_parsed_and_validated(fake):
    fake.queue(parsed={"name": "Oslo", "population": 700000})
    result = fake.chat("a city", schema=City)
    assert result.parsed == City(name="Oslo", population=700000)


def test_schema_violation_is_a_schema_error(fake):
    fake.queue(parsed={"name": "Oslo", "population": "many"})
    with pytest.raises(SchemaError, match="population"):
        fake.chat("a city", schema=City)


def test_reply_cut_at_max_tokens_is_a_clear_schema_error():
    with pytest.raises(SchemaError, match="max_tokens=7"):
        validate_reply('{"name": "Os', City, finish_reason="length", max_tokens=7)


def test_json_schema_dicts_are_validated_too():
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    assert validate_reply('{"n": 3}', schema) == {"n": 3}
    with pytest.raises(SchemaError):
        validate_reply('{"n": "x"}', schema)


def test_tool_from_function_uses_signature_and_docstring():
    tool = Tool.from_function(book_table)
    assert tool.name == "book_table"
    assert tool.description == "Book a table at a restaurant."
    assert tool.parameters["required"] == ["restaurant"]
    assert tool.validate_arguments({"restaurant": "Luigi's"}) == {"restaurant": "Luigi's", "party_size": 2}
    with pytest.raises(UsageError, match="party_size"):
        tool.validate_arguments({"restaurant": "Luigi's", "party_size": "four"})


def test_tools_accept_openai_dicts_and_refuse_duplicates():
    spec = {"type": "function", "function": {"name": "ping", "parameters": {"type": "object"}}}
    assert normalize_tools([spec])[0].name == "ping"
    with pytest.raises(UsageError, match="unique"):
        normalize_tools([spec, spec])


def test_scripted_tool_calls_come_back_as_tool_calls(fake):
    fake.queue(tool_calls=[("book_table", {"restaurant": "Luigi's", "party_size": 4})])
    result = fake.chat("book Luigi's for 4", tools=[book_table])
    assert result.tool_calls[0].name == "book_table"
    assert result.tool_calls[0].arguments["party_size"] == 4
    assert result.finish_reason == "tool_calls"
    assert result.to_message()["tool_calls"][0]["function"]["name"] == "book_table"
    assert fake.requests[0].tools[0].name == "book_table"


def test_tool_reply_schema_offers_each_tool_and_a_plain_answer():
    tools = normalize_tools([book_table])
    auto = tool_reply_schema(tools, "auto")
    assert len(auto["anyOf"]) == 2
    required = tool_reply_schema(tools, "required")
    assert required["properties"]["tool"] == {"const": "book_table"}
    assert parse_tool_reply('{"answer": "hi"}') == ("hi", None)
    assert parse_tool_reply('{"tool": "book_table", "arguments": {"restaurant": "x"}}')[1]["name"] == "book_table"


def test_tools_and_schema_together_are_refused(fake):
    with pytest.raises(UsageError, match="either tools or a schema"):
        fake.chat("x", tools=[book_table], schema=City)


def test_empty_script_is_an_error_not_a_silent_reply(fake):
    with pytest.raises(BackendError, match="no scripted reply"):
        fake.chat("hello")


def test_cost_is_zero_usd_and_measured_seconds_locally(fake):
    fake.queue(text="ok")
    cost = fake.chat("hi").cost()
    assert cost.usd == 0.0 and cost.cpu_seconds >= 0


def test_cost_uses_the_price_table_for_hosted_models(fake):
    fake.queue(text="ok")
    result = fake.chat("hi")
    result.backend, result.model = "openai", "gpt-4o-mini"
    result.usage.prompt_tokens, result.usage.completion_tokens = 1_000_000, 1_000_000
    assert cost_of(result).usd == pytest.approx(sum(PRICES["gpt-4o-mini"]))
    result.model = "some-unlisted-model"
    assert cost_of(result).usd is None
    assert projected_usd(2_000_000, 0) == pytest.approx(2 * PRICES["gpt-4o-mini"][0])


def test_batch_marks_an_invalid_item_instead_of_failing_the_batch(fake):
    fake.queue(parsed={"name": "Oslo", "population": 700000})
    fake.queue(parsed={"name": "Oslo", "population": "many"})
    first, second = fake.chat_batch(["a city", "another city"], schema=City, batch_size=2)
    assert first.parsed == City(name="Oslo", population=700000) and first.error is None
    assert second.parsed is None and "population" in second.error


class FakeCache:
    """Stands in for a transformers cache: a length that crop() shortens by a negative count."""

    def __init__(self, length):
        self.length = length

    def get_seq_length(self):
        return self.length

    def crop(self, count):
        assert count < 0
        self.length += count


def test_prompt_cache_reuses_only_a_long_enough_shared_prefix():
    from tailor.backends.prompt_cache import PromptCache, shared_prefix

    assert shared_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    cache = PromptCache(min_shared=3)
    assert cache.lookup([1, 2, 3, 4]) == (None, 0)  # empty
    cache.store([1, 2, 3, 4, 5], FakeCache(9))  # the prompt plus 4 generated tokens: cut back to the prompt
    copy, shared = cache.lookup([1, 2, 3, 4, 9, 9])
    assert (copy.length, shared) == (4, 4)
    copy, shared = cache.lookup([1, 2, 3, 4, 5])  # the same prompt again: one token is left to run
    assert (copy.length, shared) == (4, 4)
    assert cache.lookup([1, 2, 7, 7]) == (None, 0)  # shares 2 < min_shared
    assert cache.hits == 2


def test_both_backends_write_an_earlier_tool_call_as_the_same_json():
    """The local model's prompt and a server without tool fields see one tool-call text: the one adapters learn."""
    from tailor.backends.base import ChatRequest
    from tailor.chat_format import SCHEMA_NOTE, flatten_tool_turns, render_messages

    history = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Book it"},
               {"role": "assistant", "content": "", "tool_calls": [
                   {"id": "c1", "type": "function", "function": {"name": "book_table", "arguments": '{"n": 2}'}}]},
               {"role": "tool", "tool_call_id": "c1", "content": "booked"}]
    rendered = render_messages(ChatRequest(messages=history, max_tokens=8, tools=normalize_tools([book_table])))
    flattened = flatten_tool_turns(history)
    assert rendered[2]["content"] == flattened[2]["content"] == '{"tool": "book_table", "arguments": {"n": 2}}'
    assert rendered[0]["content"].startswith("Be brief.\n\nYou can call these tools.") and len(rendered) == 4
    assert rendered[3] == {"role": "tool", "content": "booked"}
    assert flattened[3] == {"role": "user", "content": "Tool result: booked"}
    with_schema = render_messages(ChatRequest(messages=history[1:2], max_tokens=8, schema={"type": "object"}))
    assert with_schema[0] == {"role": "system", "content": SCHEMA_NOTE + '{"type": "object"}'}


def test_the_contract_tests_run_on_every_real_backend():
    """A backend added to the registry joins tests/test_contract.py's BACKENDS (the fake is for control flow)."""
    from test_contract import BACKENDS

    from tailor.backends import backend_names

    covered = {case.split("-")[0] for case in BACKENDS}
    assert set(backend_names()) - {"fake"} <= covered
