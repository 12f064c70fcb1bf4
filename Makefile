# Two commands work on a fresh Debian machine: `make run` and `make test`.
#
# The venv is installed from requirements/dev.txt: exact versions with hashes of
# every package (all extras of pyproject.toml, the dev tools and the build
# backend), made from pyproject.toml's ranges by `make lock`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/dev.txt
STAMP := $(VENV)/.installed
ROUTINE ?= starter

# pip-compile runs from a venv of its own, so the lock never depends on itself.
LOCKVENV := .venv-lock
PIP_TOOLS := pip-tools==7.6.2
COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCKVENV)/bin/pip-compile --quiet \
	--all-extras --all-build-deps --allow-unsafe --strip-extras --generate-hashes \
	--no-emit-index-url --no-emit-find-links --output-file=$(LOCK)

.PHONY: all setup system run simulate test test-other-blas check lint types contract lock lock-upgrade clean

all: check

system:
	@bash scripts/install_system.sh

# Everything from the lock (pip refuses a package without its hash), then
# facecoach itself, editable and with no dependencies of its own choosing;
# pip check fails if pyproject.toml asks for something the lock lacks (run
# `make lock`).
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

setup: system $(STAMP)

run: setup
	$(BIN)/facecoach run $(ROUTINE)

simulate: setup
	$(BIN)/facecoach run $(ROUTINE) --simulate

test: setup
	$(BIN)/python -m pytest

# Machines of this kind differ in OpenBLAS's kernel choice (some set
# OPENBLAS_CORETYPE), which moves a model's scores in the last digits. The
# model tests run again under the other choice, so a verdict on an edge shows
# here and not first on someone else's machine.
test-other-blas: setup
	@if [ -n "$${OPENBLAS_CORETYPE:-}" ]; then \
		echo "model tests again with OPENBLAS_CORETYPE unset"; \
		env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m pytest -m model; \
	else \
		echo "model tests again with OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512"; \
		OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512 $(BIN)/python -m pytest -m model; \
	fi

lint: setup
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

types: setup
	$(BIN)/mypy

# The layers contract lives in pyproject.toml under [tool.importlinter].
contract: setup
	@if grep -q '^\[tool\.importlinter\]' pyproject.toml; then \
		$(BIN)/lint-imports --no-cache; \
	else \
		echo "contract: no [tool.importlinter] in pyproject.toml yet; skipped"; \
	fi

check: lint types contract test test-other-blas

$(LOCKVENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCKVENV)
	$(LOCKVENV)/bin/python -m pip install -q '$(PIP_TOOLS)'

# After changing dependencies in pyproject.toml: keeps every pin that still
# fits and resolves only what changed.
lock: $(LOCKVENV)/bin/pip-compile
	@mkdir -p $(dir $(LOCK))
	$(COMPILE) pyproject.toml

# Every package to the newest release that pyproject.toml allows.
lock-upgrade: $(LOCKVENV)/bin/pip-compile
	@mkdir -p $(dir $(LOCK))
	$(COMPILE) --upgrade pyproject.toml

clean:
	rm -rf $(VENV) $(LOCKVENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache \
		.ruff_cache .import_linter_cache
