# Two commands for a new user: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test messages compilemessages migrate seed worker lint format clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[test]"
	touch $(STAMP) $(TEST_STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

compilemessages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0

## Set up, migrate, seed the demo content and serve on http://127.0.0.1:8000 (SQLite, console e-mail).
run: $(STAMP) compilemessages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## Set up and run the whole test suite (unit, integration with a real worker, e2e in Chromium).
test: $(TEST_STAMP) compilemessages
	bash scripts/ensure_services.sh
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) manage.py collectstatic --noinput -v0
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## Extract the strings to translate (Swedish); write the translations, then `make compilemessages`.
messages: $(STAMP)
	$(PY) manage.py makemessages -l sv --ignore=.venv --ignore=staticfiles --ignore=bench --no-obsolete -v0
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: $(STAMP)
	$(PY) manage.py seed_demo

## A Celery worker with the beat scheduler embedded (needs REDIS_URL).
worker: $(STAMP)
	$(VENV)/bin/celery -A portal worker --beat --loglevel=info --concurrency=2

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(TEST_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
