# Passerelle: the two README commands (`make run`, `make test`) and the checks CI runs.
# Needs GNU make and python3 (3.11); everything else is installed into .venv from the pinned requirements: the
# runtime set (requirements.txt) for `make run`, plus the development tools (requirements-dev.txt) for the rest.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Reinstall only when a requirements file is newer than the last install of its set. Installing the development
# set (which includes the runtime one) stamps both, so `make run` after `make test` installs nothing more.
STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
PIP_INSTALL := $(BIN)/python -m pip install --disable-pip-version-check --quiet
# uv installs the pinned sets into .venv (same pins, same packages): from its cache in ~4 s where pip took ~70 s,
# about 7 s from the registry on a fresh machine. Bootstrapped into .venv with pip, pinned here. Unlike pip, uv
# leaves the packages uncompiled unless asked: --compile-bytecode writes their .pyc once, at install.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
UV_INSTALL := $(UV) pip install --quiet --compile-bytecode --python $(BIN)/python
# Python keeps compiled modules (__pycache__, ignored by git) even where the shell says PYTHONDONTWRITEBYTECODE
# (as some containers do): without them every process (each test worker, gunicorn, Celery, manage.py) compiles
# Django, Wagtail and the project afresh, ~7 s of CPU each. An empty value is "not set" for Python.
export PYTHONDONTWRITEBYTECODE :=
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-x tests/orgs"`.
PYTEST_ARGS ?=
# Parallel test workers (pytest-xdist, one test file per worker at a time). Each worker builds its own test
# database and gets its own Redis database (network/settings/test.py). Two halve the suite on a 2-core machine;
# `make test PYTEST_WORKERS=0` runs in one process (for -x, --pdb or a single test).
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
# `make run` runs its steps in order, even under -j.
.NOTPARALLEL:
.PHONY: help install install-dev run serve migrate seed messages test lint typecheck format check deploy-check clean
.PHONY: audit audit-requirements audit-code

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(PIP_INSTALL) uv==$(UV_VERSION)

$(STAMP): requirements.txt | $(UV)
	$(UV_INSTALL) -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(UV)
	$(UV_INSTALL) -r requirements-dev.txt
	touch $(STAMP) $@

install: $(STAMP) ## Create .venv and install the pinned runtime requirements (only when requirements.txt changed)

install-dev: $(DEV_STAMP) ## Install the runtime and development requirements (tests, lint, load test, audit)

# `make run`: the embedded demo. SQLite (db.sqlite3), Celery tasks in-process, mail on the console.
run: export DJANGO_SETTINGS_MODULE = network.settings.dev
run: install migrate seed messages serve ## Install, migrate, load the demo network and serve on http://127.0.0.1:8000

migrate: export DJANGO_SETTINGS_MODULE ?= network.settings.dev
migrate: install
	@echo "Applying migrations (the first time takes a minute)."
	$(MANAGE) migrate --noinput --verbosity 0

seed: export DJANGO_SETTINGS_MODULE ?= network.settings.dev
seed: install
	$(MANAGE) seed_demo

# Compiled catalogues may be committed; compile when gettext's msgfmt is there, otherwise say so and go on.
messages: export DJANGO_SETTINGS_MODULE ?= network.settings.dev
messages: install
	@if ! ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		echo "No translation catalogues under locale/: nothing to compile."; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		$(MANAGE) compilemessages --ignore='.venv' --ignore='node_modules' --verbosity 0; \
	else \
		echo "gettext's msgfmt is not installed: using the committed .mo files (apt-get install gettext to compile)."; \
	fi

serve: export DJANGO_SETTINGS_MODULE ?= network.settings.dev
serve: install
	@echo "Passerelle is served on http://$(HOST):$(PORT)/ (Ctrl-C to stop; DEBUG=1 make run for Django's debug pages)."
	$(MANAGE) runserver $(HOST):$(PORT)

# `make test`: the whole suite. With DATABASE_URL and REDIS_URL set it runs on them (PostgreSQL, Redis) and the
# process tests (gunicorn, celery worker and beat) run too; without them, SQLite in memory and those are skipped.
test: export DJANGO_SETTINGS_MODULE = network.settings.test
test: install-dev ## Run the whole test suite (uses DATABASE_URL / REDIS_URL when set)
	$(BIN)/pytest -q $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile) $(PYTEST_ARGS)

# mypy (with django-stubs) checks the policy core and every app's access rules, services and selectors; modules
# they import are read for their types but report nothing (`follow_imports = "silent"` in pyproject.toml). A new
# rules.py, services.py or selectors.py is picked up by these globs.
TYPECHECKED = network/orgs/policy.py $(sort $(wildcard network/*/rules.py cms/rules.py network/*/services.py \
	cms/*services*.py network/*/selectors.py cms/selectors.py))

lint: install-dev ## ruff check, ruff format --check, mypy (policy, rules, services, selectors), import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(BIN)/lint-imports --no-cache

typecheck: install-dev ## mypy on the policy core, every rules.py, services.py and selectors.py
	$(BIN)/mypy $(TYPECHECKED)

format: install-dev ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install deploy-check ## Migrations are up to date and production settings pass the deploy check
	DJANGO_SETTINGS_MODULE=network.settings.dev $(MANAGE) makemigrations --check --dry-run

# Throwaway keys: the deploy check only needs keys that look right.
deploy-check: install
	DJANGO_SETTINGS_MODULE=network.settings.production \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))')" \
	FIELD_ENCRYPTION_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	ALLOWED_HOSTS=example.org \
	ERASURE_LEDGER_PATH=/tmp/passerelle-erasures.jsonl \
	$(MANAGE) check --deploy --fail-level WARNING

# `make audit`: known vulnerabilities of the pinned requirements, runtime and development (pip-audit;
# PIP_AUDIT_SERVICE=osv to ask OSV instead of PyPI), then bandit on our code (medium and high findings fail). pip-audit needs its vulnerability
# service: where none answers (machines that reach only a package index), it audits nothing, and says so loudly
# without failing; a known vulnerability always fails.
PIP_AUDIT_SERVICE ?= pypi
audit: audit-requirements audit-code ## Known vulnerabilities in requirements*.txt (pip-audit), security lint (bandit)

audit-requirements: install-dev
	@log=$$(mktemp); status=0; \
	$(BIN)/pip-audit -r requirements.txt -r requirements-dev.txt --no-deps --disable-pip --progress-spinner off --timeout 10 \
		--vulnerability-service $(PIP_AUDIT_SERVICE) >"$$log" 2>&1 || status=$$?; \
	pinned=$$(cat requirements.txt requirements-dev.txt | grep -cE '^[A-Za-z0-9._-]+=='); \
	skipped=$$(grep -c 'could not be audited' "$$log" || true); \
	if grep -qE 'Found [0-9]+ known vulnerabilit' "$$log"; then \
		cat "$$log"; rm -f "$$log"; exit 1; \
	elif [ "$$status" -ne 0 ] || [ "$$skipped" -ge "$$pinned" ]; then \
		echo "pip-audit: WARNING: the $(PIP_AUDIT_SERVICE) vulnerability service did not answer: nothing was audited."; \
		tail -n 3 "$$log"; \
	else \
		echo "pip-audit: no known vulnerabilities ($$skipped of $$pinned pinned packages could not be audited)."; \
	fi; \
	rm -f "$$log"

audit-code: install-dev
	$(BIN)/bandit -r network cms -c pyproject.toml -q --severity-level medium

clean: ## Remove caches (keeps .venv and db.sqlite3)
	rm -rf .pytest_cache .ruff_cache .mypy_cache .import_linter_cache static test-artifacts
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Backups (see README, "Backups"): encrypted with BACKUP_ENCRYPTION_KEYS; the erasure ledger is copied beside them.
.PHONY: backup restore load
backup: install ## Encrypted database backup into BACKUP_DIR (needs DATABASE_URL, BACKUP_ENCRYPTION_KEYS)
	PYTHON=$(BIN)/python scripts/backup.sh
restore: install ## Restore BACKUP=file into RESTORE_DATABASE_URL (a fresh database), replaying the erasure ledger
	$(MANAGE) restore_database --input "$(BACKUP)" --database-url "$(RESTORE_DATABASE_URL)"

load: install-dev ## Load test (locust against gunicorn, PostgreSQL and Redis): LOAD_SECONDS=60 LOAD_USERS=20
	$(BIN)/python benchmarks/load/run.py --seconds $${LOAD_SECONDS:-60} --users $${LOAD_USERS:-20}
