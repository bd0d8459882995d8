# kycdesk: `make run` to try it, `make test` to check it. Nothing to configure first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-browser lint check clean chaos bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)  ## migrate, demo login, django-q2 cluster + web server on http://127.0.0.1:8000/admin/
	$(BIN)/python manage.py migrate --noinput
	./scripts/run.sh

test: $(STAMP)  ## the whole suite (SQLite by default; DATABASE_URL for PostgreSQL)
	$(BIN)/pytest

chaos: $(STAMP)  ## load-and-chaos run on PostgreSQL + Redis (CHAOS_SESSIONS, default 2000); README "Chaos run"
	$(BIN)/python -m chaos

bench: $(STAMP)  ## benchmarks at BENCH_SESSIONS (default 1,000,000) on PostgreSQL + Redis; writes BENCHMARKS.md
	$(BIN)/python -m bench

test-browser: $(STAMP)  ## only the browser journeys (Debian's Chromium: apt-get install chromium); screenshots in test-artifacts/
	$(BIN)/pytest -m browser

lint: $(STAMP)
	$(BIN)/ruff check .

check: $(STAMP)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
