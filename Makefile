# The two set-up commands are `make run` and `make test`; the rest are for daily work.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
ARTIFACTS ?= test-artifacts
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/onestop
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-packages install install-dev requirements prepare lint format migrate seed worker beat services serve-prod messages clean bench

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make requirements: what the system must provide (README, "Requirements"); installs nothing
requirements:
	@scripts/check-requirements.sh "$(PYTHON)"

## make messages: refuses untranslated or fuzzy entries, then compiles the catalogue
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install GNU gettext" \
		"(sudo apt-get install gettext)." >&2; exit 1; }
	@for po in locale/vi/LC_MESSAGES/django.po locale_overrides/vi/LC_MESSAGES/*.po; do \
		scripts/check-translations.sh $$po || exit 1; done
	$(MANAGE) compilemessages --ignore "$(VENV)" -v 0

prepare: requirements messages
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo

## make run: install, migrate, load the demo data and serve http://$(HOST):$(PORT)
run: prepare
	$(MANAGE) runserver $(HOST):$(PORT)

## make test: ruff and the whole pytest suite on PostgreSQL (services started if stopped),
## then the suite once more in random order; browser screenshots go to $(ARTIFACTS)/
test: install-dev test-packages messages services
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
	ARTIFACTS_DIR=$(abspath $(ARTIFACTS)) $(VENV)/bin/pytest -p no:randomly $(PYTEST_ARGS)
	@echo "Again in random order (pytest-randomly prints its seed; replay: make test SEED=…)"
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
	ARTIFACTS_DIR=$(abspath $(ARTIFACTS))/random-order $(VENV)/bin/pytest -p randomly \
	-p no:cacheprovider $(if $(SEED),--randomly-seed=$(SEED)) $(PYTEST_ARGS)

services:
	scripts/ensure-services.sh

# The test machine gets what it lacks installed (as root); `make run` only checks.
test-packages:
	@scripts/ensure-system-packages.sh gettext fonts-noto-core chromium

lint: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: install
	$(MANAGE) migrate --no-input

seed: install
	$(MANAGE) seed_demo

worker: install
	$(VENV)/bin/celery -A onestop worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A onestop beat --loglevel=INFO

## make bench: every benchmark of docs/performance.md with its baseline on the 1M-dossier
## database (generated first if empty), then the table there rewritten; long, never in CI.
## Options in BENCH_ARGS, e.g. make bench BENCH_ARGS="--only load --dry-run"
bench: install services
	@scripts/ensure-system-packages.sh wrk
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf var staticfiles $(ARTIFACTS) .pytest_cache .ruff_cache
