# Two commands for a new user: `make run` and `make test`. Everything else is a helper.
# Installs come from uv.lock only (`uv sync --frozen`); `make upgrade` is the one way to change it.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
RUN_DIR := .run
UV_VERSION := 0.13.9
# uv from the PATH if there is one; otherwise the Makefile installs its own copy from the package index.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
INSTALL_LOG ?= .install.log
# make test runs the suite in this many processes (pytest-xdist; each has its own test database and Redis db).
TEST_PROCESSES ?= 2
MO := locale/sv/LC_MESSAGES/django.mo
PO := locale/sv/LC_MESSAGES/django.po
# Apps that keep their own catalogue (opendata/, ...): a change there recompiles too.
APP_PO := $(wildcard */locale/sv/LC_MESSAGES/django.po)
NO_INDEX = echo "make: could not $(1) (is the package index reachable? details in $(2)); run the same command again once it is." >&2

.PHONY: run test install install-test lock-check upgrade messages compilemessages migrate seed worker lint format clean

.tools/bin/uv:
	@rm -rf .tools
	@$(PYTHON) -m venv .tools
	@.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" >.tools-install.log 2>&1 \
		|| { rm -rf .tools; $(call NO_INDEX,install uv $(UV_VERSION),.tools-install.log); exit 1; }
	@rm -f .tools-install.log

# Exactly what uv.lock says (--frozen: the lock is never re-resolved by an install). A failed install
# leaves no stamp, so the next `make` picks up where it stopped.
$(STAMP): pyproject.toml uv.lock | $(UV)
	@rm -f $(STAMP) $(TEST_STAMP)
	@$(UV) sync --frozen --inexact --quiet --python $(PYTHON) 2>$(INSTALL_LOG) \
		|| { $(call NO_INDEX,install the locked dependencies,$(INSTALL_LOG)); exit 1; }
	@rm -f $(INSTALL_LOG)
	@touch $@

$(TEST_STAMP): pyproject.toml uv.lock | $(UV)
	@rm -f $(STAMP) $(TEST_STAMP)
	@$(UV) sync --frozen --extra test --quiet --python $(PYTHON) 2>$(INSTALL_LOG) \
		|| { $(call NO_INDEX,install the locked dependencies,$(INSTALL_LOG)); exit 1; }
	@rm -f $(INSTALL_LOG)
	@touch $@ $(STAMP)

# eark-validator, which the archive packages' test runs, in an environment of its own (it pins lxml 5.1.0),
# installed from its own hash-pinned lock: tests/opendata/eark/requirements.txt (`uv pip compile
# --generate-hashes` of requirements.in beside it).
EARK_VENV := .venv-eark
EARK_STAMP := $(EARK_VENV)/.installed
$(EARK_STAMP): tests/opendata/eark/requirements.txt | $(UV)
	@rm -rf $(EARK_VENV)
	@$(UV) venv --quiet --python $(PYTHON) $(EARK_VENV)
	@$(UV) pip install --quiet --python $(EARK_VENV)/bin/python --require-hashes -r $< 2>$(INSTALL_LOG) \
		|| { $(call NO_INDEX,install eark-validator,$(INSTALL_LOG)); exit 1; }
	@rm -f $(INSTALL_LOG)
	@touch $@

install: $(STAMP)
install-test: $(TEST_STAMP) $(EARK_STAMP)

$(MO): $(PO) $(APP_PO) | $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v0

compilemessages: $(MO)

## Set up, migrate, seed the demo content and serve it on http://$(HOST):$(PORT) with a Celery worker
## and beat (SQLite, kombu's filesystem broker, e-mail written to .run/mail/). Ctrl-C stops all three.
run: export PORTAL_RUN_DIR := $(RUN_DIR)
run: export PORTAL_HOST := $(HOST)
run: export PORTAL_PORT := $(PORT)
run: $(STAMP) $(MO)
	@mkdir -p $(RUN_DIR)/mail
	@$(PY) manage.py seed_demo --migrate
	@echo ""
	@echo "  The portal:  http://$(HOST):$(PORT)/   (English: /en/, admin: /admin/)"
	@echo "  E-mail:      written as files to $(RUN_DIR)/mail/ (newest: ls -t $(RUN_DIR)/mail | head)"
	@echo "  Background:  a Celery worker with beat runs reminders and digests ($${REDIS_URL:-no Redis: broker in $(RUN_DIR)/broker/})"
	@echo "  Stop:        Ctrl-C stops the web server, the worker and beat."
	@echo ""
	@exec $(VENV)/bin/honcho --no-colour -f Procfile.dev start

## Set up and run the whole test suite (unit, integration with a real worker, e2e in Chromium).
test: export DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/portal)
test: export REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
test: export DJANGO_ALLOW_ASYNC_UNSAFE := true
test: export EARK_PYTHON := $(abspath $(EARK_VENV))/bin/python
test: $(TEST_STAMP) $(EARK_STAMP) $(MO) lock-check
	bash scripts/ensure_services.sh
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

## The lock agrees with pyproject.toml, and .venv holds exactly what the lock says.
lock-check: $(TEST_STAMP)
	@$(UV) lock --check --quiet
	@$(UV) sync --frozen --extra test --check --quiet --python $(PYTHON)

## Refresh uv.lock to the newest releases inside pyproject.toml's ranges, install them and run the tests.
## Commit uv.lock with a message that says what changed and why.
upgrade: | $(UV)
	$(UV) lock --upgrade
	rm -f $(STAMP) $(TEST_STAMP)
	$(MAKE) test
	@git diff --stat -- uv.lock

## Extract the strings to translate (Swedish); write the translations, then `make compilemessages`.
messages: $(STAMP)
	$(PY) manage.py makemessages -l sv --ignore=.venv --ignore=.tools --ignore=staticfiles --ignore=bench --no-obsolete -v0
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v0

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: $(STAMP)
	$(PY) manage.py seed_demo

## A Celery worker with the beat scheduler embedded (production-like: needs REDIS_URL).
worker: $(STAMP)
	$(VENV)/bin/celery -A portal worker --beat --loglevel=info --concurrency=2

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(TEST_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(EARK_VENV) .tools staticfiles db.sqlite3 $(RUN_DIR) .pytest_cache
