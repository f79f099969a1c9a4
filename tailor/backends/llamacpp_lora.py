"""A PEFT LoRA adapter, as tailor trains it, in llama.cpp's GGUF LoRA format: converted once and cached.

llama.cpp applies a LoRA adapter from a GGUF file of type "adapter" (adapter.type "lora", adapter.lora.alpha),
holding for each adapted weight two tensors named after the base model's tensor: `<name>.lora_a` (r x in) and
`<name>.lora_b` (out x r), applied as W + alpha / r * B @ A, the update PEFT trains. Two things differ from
PEFT's file:
- the names: Hugging Face module paths become GGUF tensor names (the `gguf` package's own name map);
- the row order of the query and key projections: the HF -> GGUF conversion interleaved each head's rows for
  llama.cpp's rotary layout, so lora_b of q_proj and k_proj gets the same permutation.

The converted file lies beside the adapter as `adapter_model.<key>.gguf`, the key a hash of the adapter's files
and of the base GGUF, so a retrained adapter (or another base) is converted again. An adapter shipped in the
repository's adapters/ (or in a folder this user cannot write) is converted into TAILOR_MODEL_CACHE/lora/
instead (default TAILOR_HOME/models/lora/), so a fresh clone's files are never touched. Reading uses JSON and
safetensors only (bfloat16 or float32 weights): nothing in an adapter runs code.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from pathlib import Path

from tailor.errors import ModelNotFoundError

FORMAT = 1  # bump when the conversion changes, so cached files are rebuilt
PEFT_ALPHA = 8  # PEFT's default lora_alpha, for a config that leaves it out
PEFT_PREFIX = "base_model.model."  # PEFT's wrapper around the model's own module paths
ROTARY = {"attn_q": "head_count", "attn_k": "head_count_kv"}  # GGUF tensors whose rows the conversion permuted


def gguf_adapter(adapter: Path, base: Path) -> Path:
    """The GGUF LoRA file for a PEFT adapter folder (a .gguf adapter is used as it is), converting if needed.

    The weights are checked (tailor/weights.py: readable, finite) before the first conversion; the cached file's
    key covers their bytes, so a cached file was checked when it was made."""
    from tailor.weights import check_adapter_weights

    adapter = Path(adapter)
    if adapter.is_file() and adapter.suffix == ".gguf":
        return adapter
    config = read_config(adapter)
    key = cache_key(adapter, base)
    target = cache_folder(adapter) / f"{cache_stem(adapter)}.{key}.gguf"
    if target.is_file():
        return target
    check_adapter_weights(adapter)
    model = base_model(base)
    write_gguf(convert(adapter, model), model["arch"], config["alpha"], target)
    for stale in target.parent.glob(f"{cache_stem(adapter)}.*.gguf"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


def cache_folder(adapter: Path) -> Path:
    """Beside a user's adapter; for one shipped in the repository's adapters/ (or a read-only folder), under
    TAILOR_MODEL_CACHE / TAILOR_HOME, so a checkout is never written to."""
    from tailor.adapters import SHIPPED_DIR
    from tailor.models import model_cache_dir

    if adapter.resolve().is_relative_to(SHIPPED_DIR.resolve()) or not os.access(adapter, os.W_OK):
        return model_cache_dir() / "lora"
    return adapter


def cache_stem(adapter: Path) -> str:
    """The converted file's name before its key: PEFT's stem beside the adapter; its folder's name and a hash of
    its path in the shared cache (two adapters named alike never replace each other's file)."""
    if cache_folder(adapter) == adapter:
        return "adapter_model"
    return f"{adapter.name}-{hashlib.sha256(str(adapter.resolve()).encode()).hexdigest()[:8]}"


def read_config(adapter: Path) -> dict:
    """PEFT's adapter_config.json, checked for what this conversion supports."""
    path = adapter / "adapter_config.json"
    if not path.is_file() or not (adapter / "adapter_model.safetensors").is_file():
        raise ModelNotFoundError(f"no LoRA adapter at {adapter} (adapter_config.json or adapter_model.safetensors "
                                 "missing); train one first")
    try:
        config = json.loads(path.read_text())
        rank, alpha = int(config["r"]), float(config.get("lora_alpha", PEFT_ALPHA))
    except (ValueError, KeyError, TypeError) as error:
        raise ModelNotFoundError(f"{path} is not a PEFT LoRA config: {error}") from error
    unsupported = [k for k in ("use_dora", "rank_pattern", "alpha_pattern", "modules_to_save") if config.get(k)]
    if config.get("peft_type", "LORA") != "LORA" or unsupported or rank < 1:
        raise ModelNotFoundError(f"the adapter at {adapter} is not a plain LoRA adapter llama.cpp can apply "
                                 f"({', '.join(unsupported) or config.get('peft_type')}); use --backend local")
    # llama.cpp scales by alpha / r; rank-stabilized LoRA trained with alpha / sqrt(r)
    return {"rank": rank, "alpha": alpha * math.sqrt(rank) if config.get("use_rslora") else alpha}


def cache_key(adapter: Path, base: Path) -> str:
    digest = hashlib.sha256(f"{FORMAT}:{base.resolve()}:{base.stat().st_size}".encode())
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        digest.update((adapter / name).read_bytes())
    return digest.hexdigest()[:12]


def convert(adapter: Path, model: dict) -> dict:
    """{GGUF tensor name: (lora_a, lora_b)} as float32 arrays in llama.cpp's layout, checked against the base."""
    from safetensors.torch import load_file  # numpy has no bfloat16, the dtype shipped adapters are saved in

    pairs: dict[str, dict] = {}
    for key, tensor in load_file(adapter / "adapter_model.safetensors").items():
        array = tensor.float().numpy()
        module, _, part = key.removeprefix(PEFT_PREFIX).rpartition(".lora_")
        if part not in ("A.weight", "B.weight"):
            raise ModelNotFoundError(f"the adapter has a tensor {key} that is not a LoRA matrix; use --backend local")
        name = model["names"].get_name(module + ".weight", try_suffixes=(".weight",))
        if name is None or name not in model["shapes"]:
            raise ModelNotFoundError(f"the adapter changes {module}, which llama.cpp's model has no tensor for")
        pairs.setdefault(name, {})[part[0]] = array
    return {name: fitted(name, pair, model) for name, pair in pairs.items()}


def fitted(name: str, pair: dict, model: dict):
    """(lora_a, lora_b) for one weight, checked against the base tensor's shape, rotary rows permuted."""
    if set(pair) != {"A", "B"}:
        raise ModelNotFoundError(f"the adapter's {name} has lora_A or lora_B missing")
    a, b = pair["A"], pair["B"]
    rows, columns = model["shapes"][name]  # (out, in), numpy order
    if a.shape[1] != columns or b.shape[0] != rows or a.shape[0] != b.shape[1]:
        raise ModelNotFoundError(f"the adapter does not fit this base model ({name}: lora_A {a.shape}, lora_B "
                                 f"{b.shape}, weight {(rows, columns)}): was it trained on another model?")
    kind = name.split(".")[2]
    if kind in ROTARY:
        b = rotary_rows(b, model[ROTARY[kind]])
    return a, b


def rotary_rows(rows, heads: int):
    """Hugging Face's row order of a query or key projection -> the GGUF's (what the model conversion did).

    Per head, HF keeps the rotary pairs as two halves [x0..x31, y0..y31]; the GGUF interleaves them [x0, y0, ...].
    """
    out, width = rows.shape
    return rows.reshape(heads, 2, out // heads // 2, width).swapaxes(1, 2).reshape(out, width)


def base_model(base: Path) -> dict:
    """What the conversion needs from the base GGUF: architecture, head counts, tensor shapes, the name map."""
    import gguf

    reader = gguf.GGUFReader(str(base))
    arch = reader.fields["general.architecture"].contents()
    info = {"arch": arch, "shapes": {t.name: tuple(int(n) for n in reversed(t.shape)) for t in reader.tensors}}
    for key in ("block_count", "attention.head_count", "attention.head_count_kv"):
        info[key.split(".")[-1]] = int(reader.fields[f"{arch}.{key}"].contents())
    archs = {value: key for key, value in gguf.MODEL_ARCH_NAMES.items()}
    info["names"] = gguf.get_tensor_name_map(archs[arch], info["block_count"])
    return info


def write_gguf(tensors: dict, arch: str, alpha: float, target: Path) -> None:
    """Write the adapter file atomically (a temporary file renamed into place)."""
    import gguf

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=".lora-", suffix=".gguf", dir=target.parent)
    os.close(handle)
    try:
        writer = gguf.GGUFWriter(staging, arch)
        writer.add_type(gguf.GGUFType.ADAPTER)
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
        for name, (a, b) in tensors.items():
            writer.add_tensor(f"{name}.lora_a", a)
            writer.add_tensor(f"{name}.lora_b", b)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        os.replace(staging, target)
    finally:
        Path(staging).unlink(missing_ok=True)
