"""Loading a model and its tokenizer from a folder, and attaching a LoRA adapter.

What the local backend, training, evaluation and the benchmarks share. Loaded models are cached in-process
per (folder, adapter, quantization), so every backend on the same weights shares one copy; `fresh=True`
gives a private copy to train. Finding the folder (the bundled model, its one-time conversion) is
tailor/models.py. transformers and peft are imported inside the functions.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from pathlib import Path

from tailor.config import quiet_libraries
from tailor.errors import ModelNotFoundError

_LOADED: dict[tuple, tuple] = {}  # (model folder, adapter, quantization) -> (model, tokenizer)
_LOAD_LOCK = threading.Lock()


def silence_transformers() -> None:
    """transformers and torch are chatty on the CPU; keep the demos' output readable (and everything offline)."""
    quiet_libraries()
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    logging.getLogger("transformers").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="transformers")


def quiet_model_load() -> None:
    """silence_transformers, and no "Loading weights" bar for a one-second load. The environment setting is
    read when transformers is first imported, which another library may have done already, so the bar is
    also switched off in transformers itself."""
    silence_transformers()
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def load_model(model_dir: Path, adapter: str | Path | None = None, fresh: bool = False, quantize: str | None = None):
    """Load (model, tokenizer), cached per (folder, adapter, quantization). `fresh=True`: a private copy to train.

    `quantize` ("int4" or "int8", tailor/backends/quantize.py) packs the weights after the adapter is attached.
    """
    key = (str(model_dir), str(adapter) if adapter else None, quantize)
    with _LOAD_LOCK:
        if not fresh and key in _LOADED:
            return _LOADED[key]
        if adapter:  # a broken adapter is refused before seconds are spent loading the base model
            check_adapter_weights(Path(adapter))  # (attach_adapter checks again: a few ms, and it is public)
        quiet_model_load()
        from transformers import AutoModelForCausalLM, AutoTokenizer

        try:
            tokenizer = AutoTokenizer.from_pretrained(model_dir)
            model = AutoModelForCausalLM.from_pretrained(model_dir, dtype="float32")
        except (OSError, ValueError, KeyError, TypeError) as error:  # a garbage config.json or weights file
            raise ModelNotFoundError(f"the model folder {model_dir} could not be loaded "
                                     f"({type(error).__name__}: {str(error).splitlines()[0][:160]}); "
                                     "give a Hugging Face model folder or a .gguf file") from error
        if adapter:
            model = attach_adapter(model, Path(adapter))
        if quantize:
            from tailor.backends.quantize import quantize_model

            model = quantize_model(model, quantize)
        model.eval()
        if not fresh:
            _LOADED[key] = (model, tokenizer)
        return model, tokenizer


def attach_adapter(model, adapter: Path):
    """Wrap a base model with a LoRA adapter saved by peft; a wrong base model is a clear error. The weights
    are checked first (check_adapter_weights); peft then reads the same safetensors file, never a pickle."""
    check_adapter_weights(adapter)
    from peft import PeftModel

    try:
        return PeftModel.from_pretrained(model, adapter)
    except (RuntimeError, ValueError, KeyError) as error:
        raise ModelNotFoundError(f"the adapter at {adapter} does not fit this base model "
                                 f"(trained on a different one?): {str(error).splitlines()[0]}") from error


ADAPTER_WEIGHTS = "adapter_model.safetensors"  # what peft's save_pretrained writes (safetensors only)


def check_adapter_weights(adapter: Path) -> None:
    """Refuse an adapter whose weights file is missing, truncated or holds NaN/inf: such an adapter loads and
    then answers empty text, so it is stopped here. safetensors is data only (no pickle), so reading it runs
    no code."""
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not (adapter / "adapter_config.json").is_file():
        raise ModelNotFoundError(f"no LoRA adapter at {adapter} (adapter_config.json missing); train one first")
    path = adapter / ADAPTER_WEIGHTS
    if not path.is_file():
        raise ModelNotFoundError(f"no {ADAPTER_WEIGHTS} in {adapter}; tailor loads safetensors adapters only "
                                 "(train one with `tailor tutor train`)")
    try:
        tensors = load_file(path)
    except (SafetensorError, OSError, ValueError) as error:  # a truncated or garbled file
        raise ModelNotFoundError(f"the adapter weights {path} cannot be read ({str(error).splitlines()[0][:120]}); "
                                 "the file is truncated or not safetensors: train the adapter again") from error
    bad = [name for name, tensor in tensors.items() if not bool(torch.isfinite(tensor).all())]
    if bad:
        raise ModelNotFoundError(f"the adapter at {adapter} holds non-finite values (NaN or inf) in "
                                 f"{len(bad)} of {len(tensors)} tensors: its training diverged; train again "
                                 "with a lower --lr")
