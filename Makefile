# The two commands of the README: `make run` (demo on SQLite, no Redis) and `make test`
# (the whole suite on PostgreSQL and Redis). Both create and update .venv themselves.

SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python >= 3.12: take pyenv's full paths first (its shims can fail), then PATH.
PYTHON_CANDIDATES := /root/.pyenv/versions/3.13.0/bin/python /root/.pyenv/versions/3.12.1/bin/python \
	$(HOME)/.pyenv/versions/3.13.0/bin/python $(HOME)/.pyenv/versions/3.12.1/bin/python \
	python3.13 python3.12 python3
BASE_PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint bench audit install services-check clean

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "No Python 3.12+ found. Install Python 3.12 or 3.13 (e.g. 'pyenv install 3.13')," \
		     "or pass BASE_PYTHON=/path/to/python3.13."; exit 1; fi
	@echo "Using $(BASE_PYTHON) ($$($(BASE_PYTHON) --version))"
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# The demo's worker: a Celery worker with its beat (-B) on kombu's file-system broker under
# var/broker (no Redis), started and stopped with the web server, so reminders go out by
# themselves into var/mail/. Links in emails point at the port actually served.
DEMO_ENV = DEBUG=true CELERY_BROKER_URL=filesystem:// REPORTING_PLAN_SECONDS=60 \
	PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)}

run: install
	@mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo ""
	@echo "  ASEAN Customs Portal: http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: $${DEMO_PASSWORD:-asean-demo}):"
	@echo "    secretariat   ASEAN Secretariat (admin at /admin/)"
	@echo "    chair.vn      Chair-country staff, Viet Nam Customs (chair 2024-2025)"
	@echo "    delegate.my   Delegate, Royal Malaysian Customs Department"
	@echo "    partner.wco   Dialogue partner, World Customs Organization"
	@echo "  Emails are written to var/mail/ by the demo worker (log: var/worker.log)."
	@echo ""
	@$(DEMO_ENV) $(PY) -m celery -A secretariat worker -B -c 1 --without-mingle \
		--without-gossip --without-heartbeat -s var/celerybeat-schedule -l INFO \
		> var/worker.log 2>&1 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

services-check: install
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m tests.services_check

test: services-check
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) -m tests.bench

clean:
	rm -rf $(VENV) var/portal.sqlite3 var/staticfiles

audit: install
	$(VENV)/bin/pip-audit --skip-editable --progress-spinner off
