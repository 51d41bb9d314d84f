# Jimpitan: `make run` sets up and serves (production-like, gunicorn); `make dev` serves with DEBUG on;
# `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev setup test test-deps lint demo assets translations migrate system-test-deps bench load crash-drill two-server-drill clean

# DEBUG off, collected static files, gunicorn; HOST=0.0.0.0 shares it on the LAN. Prints the link to open
# (with the one-time setup code while no kampung exists).
run: setup
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

# Development only: Django's debug pages and auto-reload. Never share it on a network.
dev: setup
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

setup: $(VENV)/.installed node_modules/.installed translations migrate

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Bootstrap, htmx, SortableJS and the QR scanner come from the npm registry; nothing third-party is committed.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

translations: $(VENV)/.installed
	$(PY) manage.py compile_translations

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

# Debian's Chromium drives the browser tests; WeasyPrint needs Pango; pdftotext reads reports.
system-test-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	ldconfig -p | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing fonts-dejavu-core; \
	  else echo "Please install:$$missing (as root: apt-get install$$missing)"; exit 1; fi; \
	fi

test: test-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Everything the suite needs before it starts (CI prepares it once, then runs two suites side by side).
test-deps: $(VENV)/.installed-test node_modules/.installed translations system-test-deps

# The gates CI runs besides the tests: the one-way app stack, ruff's lint and format, and mypy (all
# configured in pyproject.toml).
lint: $(VENV)/.installed-test
	PYTHONPATH=. $(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

demo: setup
	$(PY) manage.py seed_demo --households 330 --months 6 --seed 1 --force
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) node_modules var/staticfiles

# Re-extract the marked strings into each English catalogue (needs GNU gettext), then translate them.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en --no-location -i households -i nightly -i spending -i ledger -i public -i reports -i demo -i .venv -i node_modules -i var -i tests -i bench
	for app in households ledger nightly spending public reports demo; do (cd $$app && $(abspath $(PY)) ../manage.py makemessages -l en --no-location); done

# Benchmarks on a cached 500-household, 60-month database and on 1- and 10-year history databases (var/bench/);
# BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:54330/postgres adds the history cases on PostgreSQL.
# See README, "Performance".
bench: setup
	$(PY) bench/run.py

load: setup $(VENV)/.installed-test
	$(PY) bench/load.py

# Crash drill: gunicorn on a temporary SQLite database, kill -9 during a 500-row sheet save, restart,
# and check that the round is wholly saved or wholly absent and that the books still add up.
crash-drill: $(VENV)/.installed translations
	$(PY) -m tests.drills.crash

# Two-server drill: gunicorn A and B with their own var folders on one PostgreSQL database, one Redis and one S3
# endpoint (moto), all on loopback: a save, a receipt, a session and a lockout made on A must hold on B.
# DRILL_DATABASE_URL names a PostgreSQL database the drill drops and creates (.ci/run passes one).
two-server-drill: $(VENV)/.installed-test translations
	@command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	  else echo "Please install redis-server (as root: apt-get install redis-server)"; exit 1; fi; }
	DRILL_DATABASE_URL="$(DRILL_DATABASE_URL)" $(PY) -m tests.drills.two_servers
