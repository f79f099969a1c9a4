"""The llamacpp backend: its request building and error mapping (fast, no model), then the real engine on the
bundled GGUF (slow): greedy agreement with the local backend's prompt, LoRA conversion and its effect."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from tailor.backends.llamacpp import json_grammar, reply_error, resolve_gguf, sampling, stream_chunks
from tailor.backends.llamacpp_engine import engine_threads
from tailor.backends.llamacpp_lora import read_config, rotary_rows
from tailor.errors import BadResponseError, ModelNotFoundError, UsageError


class ScriptedEngine:
    """Stands in for xllamacpp.Server: hands out chunks through the callback until told to stop; after
    `pause_after` chunks it waits for the test to open the gate."""

    def __init__(self, chunks, pause_after=None):
        self.chunks, self.sent, self.pause_after = chunks, 0, pause_after
        self.gate, self.finished = threading.Event(), threading.Event()

    def handle_chat_completions(self, body, callback):
        try:
            for chunk in self.chunks:
                if self.sent == self.pause_after:
                    self.gate.wait(10)
                self.sent += 1
                if callback(chunk):
                    return
        finally:
            self.finished.set()


def test_threads_follow_omp_num_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert engine_threads() == 3
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert engine_threads() >= 1
    monkeypatch.setenv("OMP_NUM_THREADS", "many")
    with pytest.raises(UsageError, match="OMP_NUM_THREADS"):
        engine_threads()


def test_greedy_by_default_and_plain_sampling_when_warm():
    assert sampling(0.0) == {"temperature": 0.0}
    assert sampling(0.7) == {"temperature": 0.7, "top_k": 0, "top_p": 1.0, "min_p": 0.0}


def test_grammar_holds_the_schema_with_pythons_separators():
    schema = {"type": "object", "properties": {"tool": {"const": "f"}}, "required": ["tool"]}
    header, _, rest = json_grammar(schema).partition("\nstart: %json ")
    assert header == "%llguidance {}"
    guided = json.loads(rest)
    assert guided["properties"] == schema["properties"]
    assert guided["x-guidance"] == {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}
    assert guided["additionalProperties"] is False  # only the schema's keys (a small model invents others)


def test_every_object_of_the_grammar_is_closed_unless_it_says_otherwise():
    schema = {"type": "object", "properties": {"when": {"anyOf": [{"type": "object", "properties": {"d": {}}},
                                                                  {"type": "null"}]},
                                               "extra": {"type": "object", "properties": {},
                                                         "additionalProperties": True}}}
    guided = json.loads(json_grammar(schema).partition("\nstart: %json ")[2])
    assert guided["additionalProperties"] is False
    assert guided["properties"]["when"]["anyOf"][0]["additionalProperties"] is False
    assert guided["properties"]["extra"]["additionalProperties"] is True  # said otherwise: kept
    assert "additionalProperties" not in schema  # the caller's schema is not changed


def test_a_repetition_penalty_covers_the_whole_context_in_a_value_llama_cpp_accepts():
    from tailor.backends.base import ChatRequest
    from tailor.backends.llamacpp import LlamaCppBackend
    from tailor.backends.llamacpp_engine import CONTEXT

    body = LlamaCppBackend(repetition_penalty=1.1).body(ChatRequest(messages=[{"role": "user", "content": "hi"}],
                                                                     max_tokens=8))
    assert body["repeat_penalty"] == 1.1 and body["repeat_last_n"] == CONTEXT  # the server refuses -1


def test_context_overflow_is_the_users_to_fix_and_other_errors_are_the_backends():
    too_long = {"error": {"code": 400, "type": "exceed_context_size_error", "n_prompt_tokens": 9001,
                          "n_ctx": 8192, "message": "exceeds"}}
    assert isinstance(reply_error(too_long), UsageError) and "9001" in str(reply_error(too_long))
    assert isinstance(reply_error({"error": {"code": 500, "message": "boom"}}), BadResponseError)


def test_stream_stops_the_request_when_the_reader_leaves():
    engine = ScriptedEngine([{"choices": [{"delta": {"content": str(i)}}]} for i in range(100)], pause_after=3)
    chunks = stream_chunks(engine, {})
    assert [next(chunks) for _ in range(3)][-1]["choices"][0]["delta"]["content"] == "2"
    chunks.close()  # the reader leaves: the next callback answers True and llama.cpp stops
    engine.gate.set()
    assert engine.finished.wait(10) and engine.sent == 4


def test_an_error_chunk_raises_tailors_error():
    engine = ScriptedEngine([{"error": {"code": 500, "message": "boom"}}])
    with pytest.raises(BadResponseError, match="boom"):
        list(stream_chunks(engine, {}))


def test_only_gguf_files_run_on_llama_cpp(tmp_path):
    with pytest.raises(ModelNotFoundError, match="--backend local"):
        resolve_gguf(str(tmp_path))  # a folder: a Hugging Face model is the local backend's
    assert resolve_gguf(str(_touch(tmp_path / "m.gguf")))[1] == "m"


def test_rotary_rows_interleave_each_heads_halves():
    heads, head_dim = 2, 4
    rows = np.arange(heads * head_dim, dtype=np.float32)[:, None]  # row i holds i
    assert rotary_rows(rows, heads)[:, 0].tolist() == [0, 2, 1, 3, 4, 6, 5, 7]


def test_only_plain_lora_adapters_convert(tmp_path):
    with pytest.raises(ModelNotFoundError, match="train one first"):
        read_config(tmp_path)
    _touch(tmp_path / "adapter_model.safetensors")
    (tmp_path / "adapter_config.json").write_text(json.dumps({"r": 8, "lora_alpha": 16, "use_dora": True}))
    with pytest.raises(ModelNotFoundError, match="use_dora"):
        read_config(tmp_path)
    (tmp_path / "adapter_config.json").write_text(json.dumps({"r": 4, "lora_alpha": 8, "use_rslora": True}))
    assert read_config(tmp_path) == {"rank": 4, "alpha": 16.0}  # llama.cpp's alpha / r == alpha' / sqrt(r)


def test_a_shipped_adapter_converts_under_the_cache_and_a_users_beside_itself(tmp_path, monkeypatch):
    from tailor.adapters import SHIPPED_DIR
    from tailor.backends.llamacpp_lora import cache_folder, cache_stem
    from tailor.models import model_cache_dir

    monkeypatch.setenv("TAILOR_MODEL_CACHE", str(tmp_path / "cache"))
    assert cache_folder(SHIPPED_DIR / "tutor") == model_cache_dir() / "lora"  # the checkout is never written to
    assert cache_stem(SHIPPED_DIR / "tutor").startswith("tutor-")
    assert cache_folder(tmp_path) == tmp_path and cache_stem(tmp_path) == "adapter_model"


def test_the_shipped_bfloat16_tutor_adapter_converts_into_the_cache_not_the_checkout(tmp_path, monkeypatch):
    import gguf

    from tailor.adapters import SHIPPED_DIR
    from tailor.backends.llamacpp_lora import gguf_adapter
    from tailor.models import bundled_gguf

    monkeypatch.setenv("TAILOR_MODEL_CACHE", str(tmp_path / "cache"))
    before = sorted(p.name for p in (SHIPPED_DIR / "tutor").iterdir())
    converted = gguf_adapter(SHIPPED_DIR / "tutor", bundled_gguf())
    assert converted.parent == tmp_path / "cache" / "lora"
    assert sorted(p.name for p in (SHIPPED_DIR / "tutor").iterdir()) == before
    tensors = gguf.GGUFReader(str(converted)).tensors
    assert len(tensors) == 30 * 4 * 2  # 30 layers x q, k, v, o x (lora_a, lora_b)
    assert gguf_adapter(SHIPPED_DIR / "tutor", bundled_gguf()) == converted  # cached


def test_the_default_engine_is_llama_cpp_and_what_only_transformers_runs_goes_local(tmp_path, monkeypatch):
    from tailor.backends.registry import chosen_backend

    monkeypatch.delenv("TAILOR_QUANTIZE", raising=False)
    assert chosen_backend().name == "llamacpp"
    assert chosen_backend(model=str(tmp_path)).name == "local"  # a Hugging Face folder
    assert chosen_backend(model=str(tmp_path / "m.gguf")).name == "llamacpp"
    assert chosen_backend("llamacpp", model=str(tmp_path)).name == "llamacpp"  # named: refused later, clearly
    monkeypatch.setenv("TAILOR_QUANTIZE", "int4")
    assert chosen_backend().name == "local"
    monkeypatch.setenv("TAILOR_BACKEND", "llamacpp")
    assert chosen_backend().name == "llamacpp"


def _touch(path):
    path.write_bytes(b"")
    return path


# -- the real engine on the bundled GGUF -------------------------------------------------------------------
@pytest.fixture(scope="module")
def llamacpp():
    from tailor.backends.llamacpp import LlamaCppBackend

    return LlamaCppBackend()


@pytest.mark.slow
def test_llama_cpp_sees_the_prompt_the_local_backend_renders(llamacpp, local_backend):
    """Same turns, same template: llama.cpp's prompt count equals the local tokenizer's, tool notes included."""
    from tailor.backends.base import ChatRequest
    from tailor.backends.tools import Tool

    def weather(city: str) -> str:
        """Get the weather."""
        return city

    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Weather in Oslo?"},
                {"role": "assistant", "content": "", "tool_calls": [
                    {"id": "1", "type": "function", "function": {"name": "weather", "arguments": '{"city": "Oslo"}'}}]},
                {"role": "tool", "content": "snow"}]
    tools = [Tool.from_function(weather)]
    result = llamacpp.chat(messages, tools=tools, max_tokens=40)
    request = ChatRequest(messages=messages, max_tokens=40, tools=tools)
    assert result.usage.prompt_tokens == len(local_backend.prompt_ids(request))


@pytest.mark.slow
def test_rotary_rows_match_what_the_gguf_conversion_did(local_backend):
    """The permutation applied to a LoRA's q rows is the one between the HF weights and the GGUF's."""
    import gguf
    from safetensors import safe_open

    from tailor.models import bundled_gguf

    tensor = next(t for t in gguf.GGUFReader(str(bundled_gguf())).tensors if t.name == "blk.0.attn_q.weight")
    quantized = gguf.quants.dequantize(tensor.data, tensor.tensor_type).reshape(576, 576)
    with safe_open(str(local_backend.model_dir / "model.safetensors"), framework="np") as weights:
        hf = weights.get_tensor("model.layers.0.self_attn.q_proj.weight")
    permuted, unpermuted = np.abs(rotary_rows(hf, 9) - quantized).mean(), np.abs(hf - quantized).mean()
    assert permuted < unpermuted / 5  # only 4-bit rounding is left


@pytest.mark.slow
def test_a_peft_adapter_converts_once_beside_itself_and_changes_the_reply(llamacpp, tmp_path):
    from safetensors.numpy import save_file

    from tailor.backends.llamacpp import LlamaCppBackend
    from tailor.backends.llamacpp_lora import gguf_adapter

    rng = np.random.default_rng(0)
    tensors = {}
    for layer in range(30):
        for module, rows in (("q_proj", 576), ("v_proj", 192)):
            stem = f"base_model.model.model.layers.{layer}.self_attn.{module}"
            tensors[f"{stem}.lora_A.weight"] = rng.normal(0, 0.3, (4, 576)).astype(np.float32)
            tensors[f"{stem}.lora_B.weight"] = rng.normal(0, 0.3, (rows, 4)).astype(np.float32)
    save_file(tensors, tmp_path / "adapter_model.safetensors")
    (tmp_path / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 4, "lora_alpha": 8}))
    converted = gguf_adapter(tmp_path, llamacpp.gguf)
    assert converted.parent == tmp_path and gguf_adapter(tmp_path, llamacpp.gguf) == converted
    question = "Name three colours of the rainbow."
    adapted = LlamaCppBackend(adapter=tmp_path).chat(question, max_tokens=16)
    assert adapted.text != llamacpp.chat(question, max_tokens=16).text
    assert adapted.model.endswith(f"+{tmp_path.name}")
    save_file({k: v * 0.5 for k, v in tensors.items()}, tmp_path / "adapter_model.safetensors")  # retrained
    rebuilt = gguf_adapter(tmp_path, llamacpp.gguf)
    assert rebuilt != converted and not converted.exists()


@pytest.mark.slow
def test_the_shipped_tutor_keeps_its_voice_on_llama_cpp_about_as_often_as_on_transformers():
    """The first 8 held-out questions (on all 60, 2026-12-02: all five rules 97% on llamacpp, 95% on local)."""
    from finetuning.data import load_records
    from finetuning.evaluate import DEFAULT_EVAL, prompts, voice_rates
    from finetuning.tutor import MAX_TOKENS, tutor_backend
    from tailor.config import data_dir

    records = load_records(data_dir() / DEFAULT_EVAL)[:8]
    rates = {}
    for engine in ("llamacpp", "local"):
        answers = [r.text for r in tutor_backend(backend=engine).chat_batch(prompts(records), max_tokens=MAX_TOKENS)]
        rates[engine] = voice_rates(records, answers)["all_rules"]
    assert rates["llamacpp"] >= 0.75 and rates["llamacpp"] >= rates["local"] - 1 / 8, rates


def test_a_batch_decodes_only_as_many_requests_at_once_as_the_shared_cache_holds():
    from tailor.backends.base import ChatRequest
    from tailor.backends.llamacpp import fitting_requests

    short = ChatRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=64)
    rows = ChatRequest(messages=[{"role": "user", "content": "0.1288, " * 1000}], max_tokens=16)  # 8,000 chars
    assert fitting_requests([short] * 8, context=16384) >= 8
    assert fitting_requests([short, rows], context=16384) == 3  # 8,000 / 1.5 + 16 tokens each: 3 fit
    assert fitting_requests([rows], context=1000) == 1  # never none: one request alone gets a clear error
