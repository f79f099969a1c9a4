"""One contract for every real backend: the bundled model locally (transformers, and llama.cpp in-process), and
the openai backend talking to real OpenAI-compatible servers started on loopback (`transformers serve`, also
with continuous batching, and `tailor serve`; llama.cpp's server too when llama-cpp-python is installed, else
those cases are skipped)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from tailor.backends.openai_compat import OpenAIBackend
from tailor.backends.tools import Tool

pytestmark = pytest.mark.slow

QUESTION = [{"role": "user", "content": "Name three colours of the rainbow."}]
BACKENDS = ["local", "llamacpp", "openai-transformers-serve", "openai-transformers-serve-cb", "openai-tailor-serve",
            "openai-llama-cpp"]
# transformers serve ignores response_format and tools for llama-family models such as SmolLM2 (it logs
# "Ignoring unsupported fields"), so those two clauses run against the local backend, tailor serve and
# llama.cpp's server (JSON mode with a schema, its extension; tools in the prompt).
STRUCTURED = ["local", "llamacpp", "openai-tailor-serve", "openai-llama-cpp"]


class Capital(BaseModel):
    country: str = Field(max_length=40)
    capital: str = Field(max_length=40)


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"sunny in {city}"


@pytest.fixture(scope="module")
def servers(local_backend, tmp_path_factory):
    """Both servers, started once for this module on free loopback ports."""
    from servers import tailor_serve, transformers_serve

    logs = tmp_path_factory.mktemp("server-logs")
    with transformers_serve(local_backend.model_dir, logs / "transformers.log") as hf_url, \
            transformers_serve(local_backend.model_dir, logs / "transformers-cb.log", continuous_batching=True) \
            as cb_url, tailor_serve(logs / "tailor.log") as tailor_url:
        yield {"openai-transformers-serve": (hf_url, str(local_backend.model_dir)),
               "openai-transformers-serve-cb": (cb_url, str(local_backend.model_dir)),
               "openai-tailor-serve": (tailor_url, local_backend.model)}


@pytest.fixture(scope="module")
def llama_cpp_server(tmp_path_factory):
    """llama.cpp's server on the same GGUF; skipped unless llama-cpp-python[server] is installed."""
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed (make bench-full)")
    from servers import llama_cpp_serve
    from tailor.models import bundled_gguf

    with llama_cpp_serve(bundled_gguf(), tmp_path_factory.mktemp("llama-log") / "llama.log") as url:
        yield url, "smollm2"


@pytest.fixture
def backend(request, local_backend):
    if request.param == "local":
        return local_backend
    if request.param == "llamacpp":
        from tailor.backends.llamacpp import LlamaCppBackend

        return LlamaCppBackend()
    if request.param == "openai-llama-cpp":
        url, model = request.getfixturevalue("llama_cpp_server")
        # its server takes `tools` but never calls one with this model's plain chat template
        return OpenAIBackend(model=model, base_url=url, api_key="unused", timeout=120, max_retries=0,
                             tools="prompted")
    url, model = request.getfixturevalue("servers")[request.param]
    return OpenAIBackend(model=model, base_url=url, api_key="unused", timeout=120, max_retries=0)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_text_and_usage(backend):
    result = backend.chat(QUESTION, max_tokens=24)
    assert result.text.strip()
    assert result.usage.prompt_tokens > 0 and 0 < result.usage.completion_tokens <= 24


def test_local_usage_equals_the_tokenizers_count(local_backend):
    result = local_backend.chat(QUESTION, max_tokens=24)
    _, tokenizer = local_backend.model_and_tokenizer()
    prompt = tokenizer.apply_chat_template(QUESTION, add_generation_prompt=True, tokenize=True, return_dict=False)
    assert result.usage.prompt_tokens == len(prompt)
    assert result.usage.completion_tokens == len(tokenizer(result.text, add_special_tokens=False)["input_ids"])


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_stream_joins_to_the_same_text_and_usage_at_temperature_zero(backend):
    whole = backend.chat(QUESTION, max_tokens=24)
    stream = backend.stream(QUESTION, max_tokens=24)
    assert "".join(stream) == whole.text
    assert stream.usage == whole.usage


@pytest.mark.parametrize("backend", STRUCTURED, indirect=True)
def test_schema_comes_back_validated(backend):
    result = backend.chat("What is the capital of France? Answer as JSON.", schema=Capital, max_tokens=48)
    assert isinstance(result.parsed, Capital)
    assert result.parsed.capital.strip()


@pytest.mark.parametrize("backend", STRUCTURED, indirect=True)
def test_prompt_that_needs_a_tool_yields_a_valid_call(backend):
    tool = Tool.from_function(get_weather)
    result = backend.chat("What is the weather in Paris right now?", tools=[tool], tool_choice="required",
                          max_tokens=48)
    assert [call.name for call in result.tool_calls] == ["get_weather"]
    arguments = tool.validate_arguments(result.tool_calls[0].arguments)
    assert arguments["city"].strip()
