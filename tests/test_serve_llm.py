"""A real third-party client against `tailor serve` on the bundled model: simonw/llm (configured the way its
users do, with an `extra-openai-models.yaml` naming `api_base`) beside the openai SDK. Chat, streaming, a
schema, and a tool call, streamed and not (#23.7: a streamed tool request used to crash the server and a
plain one to run on to max_tokens)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

LLM = Path(sys.executable).parent / "llm"
WEATHER = '''def get_weather(city: str) -> str:
    "Get the current weather for a city."
    return f"sunny in {city}"
'''


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from servers import tailor_serve

    logs = tmp_path_factory.mktemp("tailor-serve")
    with tailor_serve(logs / "serve.log") as url:
        with urllib.request.urlopen(f"{url}/models") as response:
            model = json.load(response)["data"][0]["id"]
        yield url, model


@pytest.fixture(scope="module")
def llm_cli(server, tmp_path_factory):
    """Run `llm` with its own user folder, whose extra-openai-models.yaml points at the server."""
    if not LLM.exists():
        pytest.skip("simonw/llm is not installed (pip install -e '.[dev]')")
    url, model = server
    home = tmp_path_factory.mktemp("llm-user")
    (home / "extra-openai-models.yaml").write_text(
        f"- model_id: tailor\n  model_name: {model}\n  api_base: {url}\n"
        "  supports_tools: true\n  supports_schema: true\n")
    # LLM_LOAD_PLUGINS="": no plugins; the bundled model's package registers one that needs llama-cpp-python
    env = {**os.environ, "LLM_USER_PATH": str(home), "LLM_LOAD_PLUGINS": ""}

    def run(*args: str) -> str:
        done = subprocess.run([str(LLM), "-m", "tailor", *args], capture_output=True, text=True, env=env,
                              timeout=120)
        assert done.returncode == 0, f"llm {args} failed: {done.stderr[-800:]}"
        return done.stdout

    return run


@pytest.mark.parametrize("stream", [True, False])
def test_llm_chats_and_streams(llm_cli, stream):
    reply = llm_cli(*([] if stream else ["--no-stream"]), "Say hello.", "-o", "max_tokens", "16")
    assert reply.strip()


def test_llm_gets_json_that_fits_its_schema(llm_cli):
    reply = json.loads(llm_cli("--schema", "name, age int", "Invent a person.", "-o", "max_tokens", "60"))
    assert isinstance(reply["name"], str) and isinstance(reply["age"], int)


@pytest.mark.parametrize("stream", [True, False])
def test_llm_calls_a_tool_streamed_and_not(llm_cli, stream):
    reply = llm_cli(*([] if stream else ["--no-stream"]), "--functions", WEATHER, "--td", "--cl", "2",
                    "What is the weather in Paris?", "-o", "max_tokens", "100")
    assert "get_weather" in reply  # --td prints each tool call the model made, and its result
    assert "sunny in" in reply


@pytest.mark.parametrize("stream", [True, False])
def test_the_openai_sdk_gets_the_same_tool_call_streamed_and_not(server, stream):
    import openai

    url, model = server
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=120)
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "Get the current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
    messages = [{"role": "user", "content": [{"type": "text", "text": "What is the weather in Paris?"}]}]
    request = dict(model=model, messages=messages, tools=tools, max_tokens=100,
                   tool_choice={"type": "function", "function": {"name": "get_weather"}})
    if stream:
        arguments, names = "", []
        for chunk in client.chat.completions.create(stream=True, **request):
            for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
                names += [call.function.name] if call.function.name else []
                arguments += call.function.arguments or ""
    else:
        call = client.chat.completions.create(**request).choices[0].message.tool_calls[0]
        names, arguments = [call.function.name], call.function.arguments
    assert names == ["get_weather"]
    assert isinstance(json.loads(arguments)["city"], str)


def test_a_60_kb_prompt_over_the_context_is_refused_at_once_by_the_real_tokenizer(server):
    import openai

    url, model = server
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
    prompt = "Tell me about pasta and the history of every sauce. " * 1200  # about 60 KB, past 8,192 tokens
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}], max_tokens=8)
    assert refused.value.code == "context_length_exceeded"
    assert "8192" in str(refused.value)
    with urllib.request.urlopen(url.removesuffix("/v1") + "/health", timeout=5) as response:
        assert response.status == 200
