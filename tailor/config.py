"""Settings, resolved in one order everywhere: command-line flag > environment variable > default.

    TAILOR_HOME      cache folder (converted model, Chroma store, databases)   default ~/.cache/tailor
    TAILOR_RUNS      where training runs and reports go                        default ./runs
    TAILOR_BACKEND   local | llamacpp | openai | fake (the list: tailor/backends/registry.py) default local
    TAILOR_MODEL     local: a Hugging Face folder or .gguf file; llamacpp: a .gguf file; openai: TAILOR_OPENAI_MODEL
    TAILOR_QUANTIZE  local: int4 | int8 (faster, numerics change)               default unset: float32
"""

from __future__ import annotations

import os
from pathlib import Path

# The repository root: data/ sits beside the packages in an editable install.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BACKEND = "local"


def setting(flag_value, env_name: str, default=None):
    """Return the flag's value if given, else the environment variable's, else the default."""
    if flag_value not in (None, ""):
        return flag_value
    env_value = os.environ.get(env_name)
    if env_value not in (None, ""):
        return env_value
    return default


def home(flag_value: str | None = None) -> Path:
    """The cache folder (created on first use)."""
    path = Path(setting(flag_value, "TAILOR_HOME", "~/.cache/tailor")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
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
