# reelbot — the two promises: `make chat` and `make test`. Both set themselves up on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: chat test test-fast lint bench setup clean-venv train-toy eval-toy train-captioner eval-captioner

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

chat: $(STAMP)
	$(BIN)/reelbot chat

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

clean-venv:
	rm -rf $(VENV)

train-toy: $(STAMP)
	$(BIN)/python -m toyworld.train --out engine/models/toy --minutes 90
	$(BIN)/python -m toyworld.evaluate --model engine/models/toy

eval-toy: $(STAMP)
	$(BIN)/python -m toyworld.evaluate --model engine/models/toy --prompts 200 --newcomer 64 --jumps 16 --loops 16 --recuts 16 --remixes 6 --extends 8 --shapes 60

train-captioner: $(STAMP)
	nice -n 10 $(BIN)/python -m toyworld.captioner.train --out engine/models/captioner --minutes 24
	nice -n 10 $(BIN)/python -m toyworld.captioner.train --out engine/models/captioner --minutes 14 --lr 5e-4 --resume
	$(BIN)/python -m toyworld.captioner.evaluate --model engine/models/captioner

eval-captioner: $(STAMP)
	$(BIN)/python -m toyworld.captioner.evaluate --model engine/models/captioner
