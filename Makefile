# Family Safeguarding learning platform. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev
MANAGE := $(BIN)/python manage.py
FRONTEND_SOURCES := $(shell find static/src -type f 2>/dev/null) static/build.mjs
PYTEST_WORKERS ?= 2

.PHONY: help install run test lint arch format check seed migrate bench bench-pages bench-lessons bench-scorm bench-scenarios bench-readiness bench-booking bench-public bench-import bench-lrs lrs-conformance ralph clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

install: $(VENV)/.installed node_modules/.installed static/build/.built ## Install locked Python and npm dependencies and build the front end (quick when nothing changed)

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required"'
	@test -x $(UV) || $(BIN)/pip install --quiet --disable-pip-version-check "$$(grep -m1 -oE 'uv==[0-9.]+' pyproject.toml)"
	$(UV) sync --frozen --python $(BIN)/python
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

static/build/.built: node_modules/.installed $(FRONTEND_SOURCES)
	npm run --silent build
	@touch $@

migrate: install ## Apply database migrations
	@mkdir -p var
	$(MANAGE) migrate --noinput

seed: migrate ## Create or refresh the demo content and print the demo logins
	$(MANAGE) seed_demo

run: seed ## Install, migrate, seed and serve web, worker and beat on http://127.0.0.1:8000/
	@echo ""
	@echo "Serving on http://127.0.0.1:8000/ (Ctrl+C stops web, worker and beat)"
	$(MANAGE) run_dev -f Procfile.dev

lint: install ## ruff (lint and format check), djLint, and the architecture checks (make arch)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint cms modules learning practiceweek
	@$(MAKE) --no-print-directory arch

arch: install ## import-linter's layer and cycle contracts, and strict mypy over every services and selectors module
	$(BIN)/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/mypy

format: install ## Format Python and templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install ## Django system checks and the migrations check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) makemigrations --check --dry-run

test: lint check ralph ## Lint, checks, the whole suite with coverage (floor 85%), ADL's LRS conformance suite, then check --deploy
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-report=term:skip-covered --cov-fail-under=85
	scripts/lrs_conformance.sh
	DJANGO_SETTINGS_MODULE=cms.settings.production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') ALLOWED_HOSTS=learning.example.org SMTP_HOST=smtp.example.org \
		$(MANAGE) check --deploy --fail-level WARNING

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fsm_bench
# Redis as cache and broker, as in production; this database is emptied by every run.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/2
BENCH_ENV = DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL)

bench: bench-pages bench-lessons bench-scorm bench-scenarios bench-readiness bench-booking bench-public bench-import bench-lrs ## Run every benchmark (PostgreSQL; see README)

bench-pages: install ## Home and login pages under gunicorn: req/s, p50, p95
	$(BENCH_ENV) $(BIN)/python bench/pages.py

bench-lessons: install ## Lesson page and xAPI statements under load
	$(BENCH_ENV) $(BIN)/python bench/lessons.py

bench-scorm: install ## SCORM commits under load: commits per second, p95, queries per commit
	$(BENCH_ENV) $(BIN)/python bench/scorm.py

bench-scenarios: install ## MI scenario steps under load
	$(BENCH_ENV) $(BIN)/python bench/scenarios.py

bench-readiness: install ## Readiness dashboard, team view, my learning and exports with 5,000 staff
	$(BENCH_ENV) $(BIN)/python bench/readiness.py

bench-booking: install ## 200 senior managers racing for 20 practice-week slots
	$(BENCH_ENV) $(BIN)/python bench/booking_storm.py

bench-public: install ## Recruitment landing page and home page for anonymous visitors
	$(BENCH_ENV) $(BIN)/python bench/public_pages.py

bench-lrs: install ## xAPI statement POSTs to /xapi: 8 clients, batches of 1 and 50
	$(BENCH_ENV) $(BIN)/python bench/lrs.py

RALPH_VENV := .venv-ralph

ralph: $(RALPH_VENV)/.installed ## Ralph, a second LRS for the forwarding chaos test, in its own venv from tools/ralph/requirements.txt (hash-pinned; quick when installed)

$(RALPH_VENV)/.installed: tools/ralph/requirements.txt | $(VENV)/.installed
	@test -x $(RALPH_VENV)/bin/python || $(PYTHON) -m venv $(RALPH_VENV)
	$(UV) pip install --quiet --python $(RALPH_VENV)/bin/python --require-hashes -r tools/ralph/requirements.txt
	@touch $@

lrs-conformance: install ## ADL's xAPI conformance suite (2.0.0 and 1.0.3) against /xapi on a throwaway PostgreSQL database
	scripts/lrs_conformance.sh

bench-import: install ## Staff import of a 10,000-person HR export: command line, admin check, Celery job
	$(BENCH_ENV) $(BIN)/python bench/staff_import.py

clean: ## Remove installed and built files (keeps var/ data)
	rm -rf $(VENV) node_modules static/build staticfiles
