# Two commands work on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ROUTINE ?= starter

.PHONY: all setup system run simulate test check lint types clean

all: check

system:
	@bash scripts/install_system.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,piper,ko]'
	touch $(STAMP)

setup: system $(STAMP)

run: setup
	$(BIN)/facecoach run $(ROUTINE)

simulate: setup
	$(BIN)/facecoach run $(ROUTINE) --simulate

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

types: setup
	$(BIN)/mypy

check: lint types test

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
