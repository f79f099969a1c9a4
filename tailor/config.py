"""Settings, resolved in one order everywhere: command-line flag > environment variable > default.

    TAILOR_HOME      cache folder (converted model, Chroma store, databases)   default ~/.cache/tailor
    TAILOR_RUNS      where training runs and reports go                        default ./runs
    TAILOR_BACKEND   llamacpp | local | openai | fake (tailor/backends/registry.py) default llamacpp; folder: local
    TAILOR_MODEL     local: a Hugging Face folder or .gguf file; llamacpp: a .gguf file; openai: TAILOR_OPENAI_MODEL
    TAILOR_QUANTIZE  local: int4 | int8 (faster, numerics change)               default unset: float32
"""

from __future__ import annotations

import os
from pathlib import Path

# The repository root: data/ sits beside the packages in an editable install.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BACKEND = "llamacpp"  # the inference engine; a model folder (not a .gguf) goes to local


def setting(flag_value, env_name: str, default=None):
    """Return the flag's value if given, else the environment variable's, else the default."""
    if flag_value not in (None, ""):
        return flag_value
    env_value = os.environ.get(env_name)
    if env_value not in (None, ""):
        return env_value
    return default


def number_setting(flag_value, env_name: str, default, kind=float, minimum=0):
    """A numeric setting (flag > environment variable > default), finite and at least `minimum`; anything
    else is a UsageError naming the variable, before any work starts."""
    import math

    from tailor.errors import UsageError

    raw = setting(flag_value, env_name, default)
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise UsageError(f"{env_name}={raw!r} is not a {'whole ' if kind is int else ''}number") from None
    if not math.isfinite(value) or value < minimum:
        raise UsageError(f"{env_name}={raw!r} must be a finite number of at least {minimum}")
    return value


def home(flag_value: str | None = None) -> Path:
    """The cache folder (created on first use); one that cannot be created is a UsageError naming TAILOR_HOME."""
    from tailor.errors import UsageError

    path = Path(setting(flag_value, "TAILOR_HOME", "~/.cache/tailor")).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"TAILOR_HOME {path} cannot be created ({error.strerror or error}); "
                         "point TAILOR_HOME at a folder you can write") from None
    return path


def runs_dir(flag_value: str | None = None) -> Path:
    """Where training runs, evaluation results and reports are written."""
    return Path(setting(flag_value, "TAILOR_RUNS", "runs")).expanduser()


def data_dir() -> Path:
    """The bundled data sets, one folder per demo."""
    return PROJECT_ROOT / "data"


def quiet_libraries() -> None:
    """Keep every library offline and quiet: nothing may reach a model hub at run time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
