# Two commands for a newcomer: `make run` and `make test`. Everything else is for CI and us.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
DEV_ENV := DEBUG=1
TEST_ENV := DEBUG=1 SECRET_KEY=test-only-secret-key

.PHONY: install run test test-fast lint format bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite. Browser tests run when Chromium is installed (see README).
test: install
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# Everything but the browser tests.
test-fast: install
	$(TEST_ENV) $(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: install  # ruff, the import contracts of the four rooms, migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmark: 100,000 articles on PostgreSQL, gunicorn and nginx on loopback, wrk (see
# README). BENCH_ARGS="--articles 1000" for a quick run, "--reuse" to keep the archive.
bench: install
	bash bench/run.sh $(BENCH_ARGS)
