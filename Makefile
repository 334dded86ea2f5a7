# Two commands do all the set-up: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: demo test lint run bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first, pinned: on these machines 2.13.0 resolves to a local CPU wheel, while an
# unpinned torch (pulled in by sentence-transformers) brings several GB of CUDA packages.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/newsbot ingest data/
	@echo
	$(BIN)/newsbot ask "Who asked for the call between the Russian and American army chiefs?"
	$(BIN)/newsbot ask "Which missile did the generals talk about?"
	$(BIN)/newsbot ask "Which country's troops worried General Brown?"

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

run: $(VENV)/.installed
	$(BIN)/newsbot run

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.retrieval
	$(BIN)/python -m bench.wordings --reuse
	$(BIN)/python -m bench.typos --reuse
	$(BIN)/python -m bench.extraction
	$(BIN)/python -m bench.speed
	$(BIN)/python -m bench.runtimes
	$(BIN)/python -m bench.bot_load

clean:
	rm -rf $(VENV) data/newsbot.db* data/newsbot*.faiss* data/.newsbot*
