"""LoRA fine-tuning of the local chat model on a JSONL chat data set, with transformers' Trainer.

    python -m finetuning train                       # the brand-voice tutor, default settings
    tailor tutor train --data my_voice.jsonl --epochs 3

A LoRA adapter adds two small matrices (rank r) beside chosen weight matrices and trains only those:
here about 1% of the model's parameters, so a few hundred examples train in minutes on a CPU.
The run folder holds the adapter (safetensors), the tokenizer with its chat template and a run card
(config, data hash, metrics, time); checkpoints/ holds the last checkpoint for --resume.
"""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from finetuning.data import pad_batch
from finetuning.dataset import data_sha256, load_chat_dataset, tokenize
from tailor.errors import UsageError
from tailor.runfiles import RUN_CARD, last_incomplete_run, mark_latest, new_run_dir, write_json

# Defaults: measured to finish the bundled tutor set in well under 10 minutes on 2 CPU cores.
EPOCHS = 1.0  # passes over the data (43 steps of 8 on the tutor set)
RANK = 16  # LoRA rank r: the width of the low-rank update
ALPHA = 32  # LoRA scaling: the update is multiplied by alpha / r
LR = 1e-3  # LoRA tolerates a much higher learning rate than a full fine-tune
BATCH_SIZE = 8
MAX_LENGTH = 256  # tokens per example; longer ones are cut (the tutor set is ~150 tokens an example)
TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj")  # the attention projections
SAVE_STEPS = 25  # a checkpoint every this many optimizer steps (and at the end)
PRECISIONS = ("auto", "bf16", "fp32")


@dataclass
class TrainConfig:
    data: Path  # JSONL, one {"messages": [...]} per line
    name: str = "tutor"  # run goes to runs_dir()/<name>/<timestamp>/, runs_dir()/<name>/latest -> it
    base: str | None = None  # model folder or .gguf; None = the bundled SmolLM2
    epochs: float = EPOCHS
    rank: int = RANK
    alpha: int = ALPHA
    lr: float = LR
    max_steps: int | None = None  # stop after this many optimizer steps (overrides epochs)
    batch_size: int = BATCH_SIZE
    max_length: int = MAX_LENGTH
    target_modules: tuple[str, ...] = field(default=TARGET_MODULES)
    out: Path | None = None  # explicit run folder instead of runs_dir()/<name>/<timestamp>
    resume: bool = False  # continue from the last checkpoint of `out` (or of the newest unfinished run)
    seed: int = 0
    save_steps: int = SAVE_STEPS
    group_by_length: bool = False  # batch examples of similar length: less padding when lengths vary a lot
    precision: str = "auto"  # auto: bfloat16 autocast where the CPU computes bf16 natively, else fp32; or bf16/fp32

    def check(self) -> None:
        for key in ("rank", "alpha", "batch_size", "max_length", "save_steps"):
            if getattr(self, key) <= 0:
                raise UsageError(f"--{key.replace('_', '-')} must be greater than 0")
        if self.precision not in PRECISIONS:
            raise UsageError(f"--precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}")
        if self.epochs <= 0 or self.lr <= 0 or (self.max_steps is not None and self.max_steps <= 0):
            raise UsageError("--epochs, --lr and --max-steps must be greater than 0")
        # `nan <= 0` is False, so NaN and inf pass the check above; a NaN step size trains a NaN adapter
        if not all(math.isfinite(getattr(self, key)) for key in ("epochs", "lr", "alpha")):
            raise UsageError("--epochs, --lr and --alpha must be finite numbers")


def train(config: TrainConfig, progress: bool = True) -> Path:
    """Train a LoRA adapter; return the completed run folder (and point <name>/latest at it)."""
    config.check()
    records = load_chat_dataset(config.data)  # a datasets.Dataset, every row checked before the model loads
    from tailor.models import resolve_model

    folder, model_id = resolve_model(config.base)
    fresh_run = not config.resume and (config.out is None or not Path(config.out).exists())  # ours to remove
    run = _run_folder(config)
    try:
        _train_into(run, config, folder, model_id, records, progress)
    except BaseException:
        if fresh_run and not any((run / "checkpoints").glob("checkpoint-*")):
            shutil.rmtree(run, ignore_errors=True)  # nothing to resume: no empty run folder left behind
        raise
    mark_latest(run, config.name)
    return run


def _train_into(run: Path, config: TrainConfig, folder: Path, model_id: str, records, progress: bool) -> None:
    """Load, wrap, train and save into `run`; a run whose loss or weights went NaN/inf is never saved."""
    from tailor.weights import load_model

    model, tokenizer = load_model(folder, fresh=True)
    model = add_lora(model, config)
    features = tokenize(records, tokenizer, config.max_length, data_sha256(config.data))  # cached on disk
    started = time.perf_counter()
    trainer = build_trainer(model, tokenizer, features, config, run, progress)
    guard = next(c for c in trainer.callback_handler.callbacks if hasattr(c, "diverged"))
    checkpoint = _checkpoint(run) if config.resume else None
    output = trainer.train(resume_from_checkpoint=checkpoint)
    if guard.diverged or not math.isfinite(output.training_loss):
        shutil.rmtree(run / "checkpoints", ignore_errors=True)  # a NaN checkpoint would resume into NaN
        raise UsageError(f"training diverged ({guard.diverged or 'the training loss is not finite'}) with "
                         f"--lr {config.lr:g}; nothing was saved and latest was not moved: lower --lr")
    model.save_pretrained(run)  # adapter weights and config only, never the base model
    tokenizer.save_pretrained(run)
    card = run_card(config, model_id, model, trainer, output, features, time.perf_counter() - started)
    card["resumed_from"] = Path(checkpoint).name if checkpoint else None
    write_json(run / RUN_CARD, card)  # written last: a run without a card is unfinished


def non_finite_parameters(model) -> int:
    """How many trainable tensors hold NaN or inf (the LoRA matrices after a step too large)."""
    import torch

    return sum(1 for p in model.parameters() if p.requires_grad and not bool(torch.isfinite(p).all()))


def add_lora(model, config: TrainConfig):
    """Wrap the model with trainable LoRA matrices; the base weights stay frozen."""
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(config.seed)  # LoRA's A matrices start random
    lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=0.05, bias="none",
                      target_modules=list(config.target_modules), task_type="CAUSAL_LM")
    try:
        return get_peft_model(model, lora)
    except ValueError as error:
        raise UsageError(f"cannot put LoRA on {list(config.target_modules)}: "
                         f"{str(error).splitlines()[0]}") from None


def build_trainer(model, tokenizer, features, config: TrainConfig, run: Path, progress: bool):
    from transformers import Trainer, TrainerCallback, TrainingArguments

    class SaveAtEnd(TrainerCallback):
        """Trainer saves only every save_steps; also checkpoint the final step so --resume can continue."""

        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step >= state.max_steps:
                control.should_save = True

    args = TrainingArguments(
        output_dir=str(run / "checkpoints"), num_train_epochs=config.epochs,
        max_steps=config.max_steps or -1, per_device_train_batch_size=config.batch_size,
        learning_rate=config.lr, lr_scheduler_type="linear", warmup_steps=0.05, weight_decay=0.0,
        logging_steps=5, logging_first_step=True, save_strategy="steps", save_steps=config.save_steps,
        save_total_limit=1, report_to="none", use_cpu=True, seed=config.seed, disable_tqdm=not progress,
        dataloader_num_workers=0, remove_unused_columns=False,
        train_sampling_strategy="group_by_length" if config.group_by_length else "random",
        bf16=uses_bf16(config.precision))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    return Trainer(model=model, args=args, train_dataset=features, processing_class=tokenizer,
                   data_collator=lambda batch: pad_batch(batch, pad),
                   callbacks=[SaveAtEnd(), divergence_guard(TrainerCallback)])  # the guard last: it vetoes saves


def divergence_guard(base):
    """A callback that stops training, and vetoes any checkpoint, once the loss or a LoRA weight is NaN/inf.
    `diverged` then says what was seen; train() refuses to save such a run."""

    class DivergenceGuard(base):
        diverged = ""

        def on_step_end(self, args, state, control, model=None, **kwargs):
            bad = non_finite_parameters(model) if model is not None else 0
            if bad:
                self._stop(control, f"{bad} LoRA tensors are NaN or inf after step {state.global_step}")

        def on_log(self, args, state, control, logs=None, **kwargs):
            loss = (logs or {}).get("loss")
            if loss is not None and not math.isfinite(loss):
                self._stop(control, f"the loss is {loss} at step {state.global_step}")

        def _stop(self, control, reason: str) -> None:
            self.diverged = self.diverged or reason
            control.should_training_stop = True
            control.should_save = False

    return DivergenceGuard()


def uses_bf16(precision: str) -> bool:
    """bfloat16 autocast: a LoRA step on 4 agent conversations took 9.3 s instead of 13.3 s in float32 on 2
    AVX512-BF16 cores (bench/finetune.py). Without native bf16 the CPU emulates it and is slower, so auto
    checks first."""
    if precision != "auto":
        return precision == "bf16"
    import torch

    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def _run_folder(config: TrainConfig) -> Path:
    if config.out is not None:
        out = Path(config.out)
        if (out / RUN_CARD).is_file() and not config.resume:
            raise UsageError(f"{out} already holds a finished run; choose another --out or add --resume")
        out.mkdir(parents=True, exist_ok=True)
        return out
    if config.resume:
        run = last_incomplete_run(config.name)
        if run is None:
            raise UsageError(f"no unfinished '{config.name}' run to resume; "
                             "give --out RUN_FOLDER or drop --resume")
        return run
    return new_run_dir(config.name)


def _checkpoint(run: Path) -> str:
    found = sorted((run / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
    if not found:
        raise UsageError(f"--resume: no checkpoint under {run / 'checkpoints'}; train without --resume")
    return str(found[-1])


def trainable_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


def base_model_sha256(base) -> str:
    from tailor.adapters import base_model_sha256 as sha

    return sha(str(base) if base else None)


def run_card(config, model_id, model, trainer, output, features, seconds) -> dict:
    trainable, total = trainable_parameters(model)
    state = trainer.state
    losses = [entry["loss"] for entry in state.log_history if "loss" in entry]
    tokens = sum(len(ids) for ids in features["input_ids"])
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()}
    settings["target_modules"] = list(config.target_modules)
    return {
        "base_model": model_id,
        "base_model_sha256": base_model_sha256(config.base),  # a changed base shows the adapter is stale
        "config": settings,
        "data": {"path": str(config.data), "sha256": data_sha256(config.data), "records": len(features),
                 "tokens": tokens, "fingerprint": features._fingerprint},  # the tokenized Dataset's cache key
        "metrics": {"steps": state.global_step, "epochs": round(state.epoch or 0, 3),
                    "first_loss": losses[0] if losses else None, "final_loss": losses[-1] if losses else None,
                    "train_loss": output.training_loss, "trainable_params": trainable, "total_params": total,
                    "trainable_share": trainable / total},
        "precision": "bf16" if trainer.args.bf16 else "fp32",  # what the trainer ran with, not re-derived
        "seconds": round(seconds, 1),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def merge(run: Path, base: str | None = None) -> Path:
    """Fold the adapter into the base weights: a plain model folder usable as TAILOR_MODEL or to serve."""
    import shutil
    import tempfile

    from tailor.models import resolve_model
    from tailor.weights import load_model

    folder, _ = resolve_model(base)
    model, tokenizer = load_model(folder, adapter=run, fresh=True)
    target = run / "merged"
    staging = Path(tempfile.mkdtemp(prefix=".merged-", dir=run))
    try:
        model.merge_and_unload().save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
