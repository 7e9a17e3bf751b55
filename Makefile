# Two commands from a fresh clone: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Offline by default: no model hub traffic, no library update checks.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export NO_ALBUMENTATIONS_UPDATE := 1
export WANDB_MODE := disabled

.PHONY: install demo test test-fast lint format clean

install: $(STAMP)

$(STAMP): setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The main job on the embedded demo corpus (the demo world's web split) with the shipped demo models.
# DEMO_FLAGS adds flags, e.g. a stacked policy with the shipped demo CLIP (docs/capfilt.md, Scorers):
#   make demo DEMO_FLAGS="--scorer clip=capfilt/assets/models/clip --policy 'itm>=0.5 & top50%(clip)'"
DEMO_FLAGS ?=
demo: $(STAMP)
	$(BIN)/python -m pipelines.capfilt --runner=DirectRunner $(DEMO_FLAGS)

# Everything: ruff and the whole suite, the tests marked slow included (CI runs this).
test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

# The quick lane while developing: every test not marked slow (a test over ~10 s is marked slow).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

format: $(STAMP)
	$(BIN)/python -m ruff check --fix .
	$(BIN)/python -m ruff format .

clean:
	rm -rf $(VENV) demo_output capfilt_output .pytest_cache .ruff_cache *.egg-info
