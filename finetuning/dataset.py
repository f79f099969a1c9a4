"""Chat training data as a Hugging Face `datasets.Dataset`: load any local format, check it, tokenize it.

    from finetuning.dataset import load_chat_dataset, tokenize
    data = load_chat_dataset("my_voice.parquet")     # .jsonl .json .csv .parquet, or a save_to_disk folder
    data = data.filter(lambda r: len(r["messages"]) <= 4)   # a Dataset: map, filter, split, save, push
    tokens = tokenize(data, tokenizer, max_length=1024)    # input_ids + assistant-only labels, cached

Every row needs a `messages` column: a list of {"role", "content"} turns (in a CSV, that cell holds the
list as JSON text). A bad row is a one-line error naming the file and the row (the line, for JSONL), found
before any model loads. Tokenizing runs through `Dataset.map` and is cached on disk under TAILOR_HOME
with a fingerprint of the data's bytes, the tokenizer and the encoding settings, so a second run with the
same data reuses it instead of tokenizing again. The fingerprint goes into the run card.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from finetuning.data import check_record, encode_record, load_records
from tailor.errors import UsageError

FORMATS = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
ENCODING_VERSION = "1"  # bump when encode_record changes what it produces, so old caches are not reused


def cache_dir() -> Path:
    from tailor.config import home

    return home() / "datasets"


def quiet_datasets() -> None:
    """Loading a 300-row file is no place for progress bars."""
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()


def load_chat_dataset(path) -> datasets.Dataset:  # noqa: F821 (imported inside, to keep --help fast)
    """Load and check a chat data set from a local file or a `save_to_disk` folder; offline."""
    path = Path(path).expanduser()
    if not path.exists():
        raise UsageError(f"data {path} does not exist; give a .jsonl, .json, .csv or .parquet file of "
                         "chat records, or a folder written by Dataset.save_to_disk")
    quiet_datasets()
    if path.is_dir():
        data, where = _from_disk(path), lambda n: f"{path}: row {n}"
    elif path.suffix.lower() in FORMATS:
        data, where = _from_file(path), _row_namer(path)
    else:
        raise UsageError(f"data {path}: unknown format {path.suffix!r}; use one of {', '.join(FORMATS)} "
                         "or a save_to_disk folder")
    if "messages" not in data.column_names:
        raise UsageError(f"data {path} has no \"messages\" column (it has: {', '.join(data.column_names)}); "
                         "each row needs a list of {\"role\", \"content\"} turns")
    if len(data) == 0:
        raise UsageError(f"data {path} has no records; add one row per conversation")
    if isinstance(data[0]["messages"], str):  # CSV: the list is JSON text in its cell
        data = data.map(lambda row: {"messages": _decode(row["messages"], path)}, desc=None)
    for number, row in enumerate(data, start=1):
        check_record({"messages": clean_messages(row["messages"])}, where(number))
    return data


def _from_file(path: Path):
    import datasets

    if path.suffix.lower() == ".jsonl":
        load_records(path)  # pyarrow names no line for a bad one; this names the file and line
    try:
        return datasets.load_dataset(FORMATS[path.suffix.lower()], data_files=str(path), split="train",
                                     cache_dir=str(cache_dir()))
    except (ValueError, TypeError, OSError, datasets.exceptions.DatasetGenerationError) as error:
        first = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        raise UsageError(f"data {path} could not be read as {FORMATS[path.suffix.lower()]}: {first}") from error


def _from_disk(path: Path):
    import datasets

    try:
        data = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError, OSError) as error:
        raise UsageError(f"data folder {path} is not a folder written by Dataset.save_to_disk") from error
    if isinstance(data, datasets.DatasetDict):
        if "train" not in data:
            raise UsageError(f"data folder {path} holds splits {', '.join(data)}, none named 'train'")
        data = data["train"]
    return data


def _row_namer(path: Path):
    if path.suffix.lower() != ".jsonl":
        return lambda n: f"{path}: row {n}"
    lines = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text.strip()]
    return lambda n: f"{path}:{lines[n - 1]}"


def _decode(text: str, path: Path):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"data {path}: a \"messages\" cell is not JSON ({error.msg})") from error


def clean_messages(messages: list[dict]) -> list[dict]:
    """Columnar formats give every turn every key (None where a turn had none); a chat template must
    not see a `tool_calls: None` on a user turn, so the empty keys go."""
    return [{key: value for key, value in turn.items() if value is not None} for turn in messages]


# -- tokenizing -----------------------------------------------------------------------------------
def data_sha256(path) -> str:
    """SHA-256 of a data file, or of a save_to_disk folder's files in name order."""
    path = Path(path)
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def fingerprint(data_sha: str, tokenizer, max_length: int) -> str:
    """What the tokenized cache is keyed on: the data's bytes, the tokenizer's vocabulary and chat
    template, the length limit and the encoding's version."""
    parts = [data_sha, tokenizer.name_or_path, str(len(tokenizer)), tokenizer.chat_template or "",
             str(max_length), ENCODING_VERSION]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def tokenize(data, tokenizer, max_length: int, data_sha: str):
    """input_ids and assistant-only labels for every row, through `Dataset.map`, cached on disk."""
    key = fingerprint(data_sha, tokenizer, max_length)
    folder = cache_dir() / "tokenized"
    folder.mkdir(parents=True, exist_ok=True)

    def encode(row):
        return encode_record(tokenizer, clean_messages(row["messages"]), max_length)

    return data.map(encode, remove_columns=data.column_names, new_fingerprint=key,
                    cache_file_name=str(folder / f"{key}.arrow"), load_from_cache_file=True, desc=None)


def is_cached(data_sha: str, tokenizer, max_length: int) -> bool:
    return (cache_dir() / "tokenized" / f"{fingerprint(data_sha, tokenizer, max_length)}.arrow").is_file()
