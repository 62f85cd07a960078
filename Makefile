# Two commands: `make run` and `make test`. Both build .venv on first use from
# requirements.lock (every package pinned by hash), so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench lock clean screenshot

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/guard serve $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check guard tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check guard tests bench
	$(BIN)/ruff format --check guard tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

# docs/dashboard.png for the README: minutes of traffic through the proxy, then headless Chromium
# (a system tool this Makefile does not install).
screenshot: $(STAMP)
	$(BIN)/python scripts/dashboard_screenshot.py $(ARGS)

# Re-resolve the lock after changing dependencies in pyproject.toml. The spaCy model is kept to
# the hash of its wheel only (the issue that added it names that hash).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra dev -o requirements.lock pyproject.toml
	$(BIN)/python scripts/pin_model_hash.py requirements.lock

clean:
	rm -rf $(VENV)
