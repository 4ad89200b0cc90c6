# The only entry points: make run | make test | make bench | make lint
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run test lint bench browser clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## Start Tandem on SQLite with the demo shop at http://127.0.0.1:8000
run: install
	$(BIN)/tandem serve

## Debian's Chromium for the headless browser test (never a downloaded browser)
browser:
	@command -v chromium >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; }

## Every test: on SQLite, and on PostgreSQL too when TANDEM_TEST_DATABASE_URL is set; in one
## worker process per core (pytest-xdist; TEST_WORKERS=0 runs them in this process)
TEST_WORKERS ?= auto
test: install browser lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

## Benchmarks: they print figures; none of them is a pass/fail test
bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; OMP_NUM_THREADS=1 $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
