"""A tiny real LoRA run on a custom style set: loss goes down, the saved adapter reloads exactly, the
style shows up in answers to new questions, and --resume continues the step count."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow

# A made-up house style that the base model never uses on its own: every reply opens with "Ahoy!".
STYLE = [("What is rain?", "Ahoy! Rain is water falling from clouds."),
         ("Why is the sky blue?", "Ahoy! Air scatters blue light the most."),
         ("What do bees make?", "Ahoy! Bees make honey from nectar."),
         ("What is ice?", "Ahoy! Ice is frozen water."),
         ("Where do fish live?", "Ahoy! Fish live in water."),
         ("What is a star?", "Ahoy! A star is a hot ball of gas."),
         ("What is sand?", "Ahoy! Sand is tiny bits of rock."),
         ("Why do we sleep?", "Ahoy! Sleep lets the body and brain rest.")]
NEW_QUESTIONS = ["What is wind?", "What do cows eat?", "What is a tree?"]
STEPS = 8


def messages(question, answer=None):
    turns = [{"role": "user", "content": question}]
    return turns + ([{"role": "assistant", "content": answer}] if answer else [])


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One tiny training run shared by the tests below (training is the slow part)."""
    from finetuning.train import TrainConfig, train

    folder = tmp_path_factory.mktemp("style")
    data = folder / "style.jsonl"
    data.write_text("".join(json.dumps({"messages": messages(q, a)}) + "\n" for q, a in STYLE))
    config = TrainConfig(data=data, out=folder / "run", rank=8, alpha=16, lr=1e-2, max_steps=STEPS,
                         batch_size=4, target_modules=("q_proj", "v_proj"), save_steps=100)
    return train(config, progress=False), data


def test_loss_goes_down_and_the_run_folder_is_small(tiny_run):
    from tailor.runfiles import read_card

    run, data = tiny_run
    card = read_card(run)
    assert card["metrics"]["steps"] == STEPS and card["metrics"]["trainable_params"] > 0
    assert card["metrics"]["final_loss"] < card["metrics"]["first_loss"]
    names = {p.name for p in run.iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "tokenizer.json", "run_card.json"} <= names
    assert not any(n.startswith("model") and n.endswith(".safetensors") for n in names)  # no full copy
    assert (run / "checkpoints" / f"checkpoint-{STEPS}").is_dir()


def test_reloaded_adapter_gives_identical_logits_and_lower_loss(tiny_run):
    import torch

    from finetuning.data import prompt_ids
    from finetuning.evaluate import heldout_loss
    from tailor.models import resolve_model
    from tailor.weights import load_model

    run, _ = tiny_run
    folder, _ = resolve_model(None)
    reloaded, tokenizer = load_model(folder, adapter=run, fresh=True)
    again, _ = load_model(folder, adapter=run, fresh=True)
    base, _ = load_model(folder, fresh=True)
    ids = torch.tensor([prompt_ids(tokenizer, messages("What is wind?"))])
    with torch.inference_mode():
        assert torch.equal(reloaded(ids).logits, again(ids).logits)
        assert not torch.allclose(reloaded(ids).logits, base(ids).logits)
    records = [{"messages": messages(q, a)} for q, a in STYLE]
    assert heldout_loss(reloaded, tokenizer, records) < heldout_loss(base, tokenizer, records) - 0.5


def ahoys(results) -> int:
    return sum(r.text.startswith("Ahoy") for r in results)


def test_the_style_reaches_new_questions(tiny_run):
    from tailor.backends.local import LocalBackend

    run, _ = tiny_run
    prompts = [messages(q) for q in NEW_QUESTIONS]
    styled = LocalBackend(adapter=run).chat_batch(prompts, max_tokens=6)
    plain = LocalBackend().chat_batch(prompts, max_tokens=6)
    assert ahoys(styled) >= 2 and ahoys(styled) > ahoys(plain)


def test_the_style_reaches_new_questions_on_llama_cpp_too(tiny_run):
    """The same adapter, converted to llama.cpp's LoRA format, carries the same style on the default engine."""
    from tailor.backends.llamacpp import LlamaCppBackend

    run, _ = tiny_run
    prompts = [messages(q) for q in NEW_QUESTIONS]
    assert ahoys(LlamaCppBackend(adapter=run).chat_batch(prompts, max_tokens=6)) >= 2


def test_training_prompt_equals_the_backend_inference_prompt(local_backend):
    from finetuning.data import encode_record
    from tailor.backends.base import ChatRequest

    _, tokenizer = local_backend.model_and_tokenizer()
    question, answer = STYLE[0]
    encoded = encode_record(tokenizer, messages(question, answer), max_length=256)
    prompt = local_backend.prompt_ids(ChatRequest(messages=messages(question), max_tokens=8))
    assert encoded["input_ids"][:len(prompt)] == prompt
    assert set(encoded["labels"][:len(prompt)]) == {-100} and encoded["labels"][-1] == tokenizer.eos_token_id


def test_resume_continues_the_step_count(tiny_run):
    from finetuning.train import TrainConfig, train
    from tailor.runfiles import read_card

    run, data = tiny_run
    config = TrainConfig(data=data, out=run, rank=8, alpha=16, lr=1e-2, max_steps=STEPS + 2, batch_size=4,
                         target_modules=("q_proj", "v_proj"), resume=True, save_steps=100)
    train(config, progress=False)
    card = read_card(run)
    assert card["resumed_from"] == f"checkpoint-{STEPS}" and card["metrics"]["steps"] == STEPS + 2
    assert (run / "checkpoints" / f"checkpoint-{STEPS + 2}").is_dir()


@pytest.mark.parametrize("form", ["parquet", "save_to_disk"])
def test_data_in_parquet_or_a_saved_dataset_trains(tmp_path, form):
    """`--data` takes what `datasets` writes; two steps are enough to show the trainer reads it."""
    import datasets

    from finetuning.train import TrainConfig, train
    from tailor.runfiles import read_card

    rows = datasets.Dataset.from_list([{"messages": messages(q, a)} for q, a in STYLE])
    data = tmp_path / ("style.parquet" if form == "parquet" else "style_saved")
    rows.to_parquet(str(data)) if form == "parquet" else rows.save_to_disk(str(data))
    config = TrainConfig(data=data, out=tmp_path / "run", rank=4, alpha=8, max_steps=2, batch_size=4,
                         target_modules=("q_proj",), save_steps=100)
    card = read_card(train(config, progress=False))
    assert card["metrics"]["steps"] == 2 and card["data"]["records"] == len(STYLE)
    assert len(card["data"]["sha256"]) == 64 and card["data"]["fingerprint"]
