# Syn-Data. `make run` to start, `make test` to test; both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast bench lint fmt typecheck migrate clean schema chromium screenshots

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first and pinned: a bare `torch` requirement would pull several GB of CUDA wheels.
# mostlyai-engine (argn) last and without its declared dependencies: they pull transformers, vllm,
# xgrammar, triton and torchvision/torchaudio builds that break `import torch` 2.13; its tabular
# path needs only what requirements.txt lists for it (datasets, opacus, psutil).
$(VENV)/.requirements.stamp: requirements.txt | $(PY)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps mostlyai-engine==2.7.3
	touch $@

frontend/node_modules/.stamp: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.stamp $(FRONTEND_SRC)
	cd frontend && npm run build

var/static/.stamp: frontend/dist/index.html $(VENV)/.requirements.stamp
	$(PY) manage.py collectstatic --noinput -v0
	touch $@

install: $(VENV)/.requirements.stamp frontend/dist/index.html var/static/.stamp ## Set up: venv, requirements, dashboard build, static files (idempotent)

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput -v0

run: migrate ## Start the web server and the workers on http://127.0.0.1:$(PORT)
	$(PY) manage.py ensure_admin
	$(PY) manage.py serve --port $(PORT)

# pytest runs one process per core (pytest-xdist; TEST_WORKERS=0 for one process), each with one
# BLAS/OpenMP thread: thread pools per process on shared cores slow each other down ~10x.
# One file's tests run in one process (--dist loadfile): they may share its state and fixtures.
TEST_WORKERS ?= auto
PYTEST := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test: install chromium ## Run the whole test suite (the dashboard's Vitest, then pytest)
	cd frontend && npm test --silent
	$(PYTEST)

test-fast: install ## The fast loop (< 2 min): every test but the slow ones (real processes, browsers, big fits)
	$(PYTEST) -q -m "not slow"

screenshots: install chromium ## Refresh the README's screenshots (docs/screenshots) from the browser tests
	SYNDATA_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest -q tests/e2e/test_dashboard.py tests/e2e/test_dashboard_journeys.py

# The dashboard's browser tests drive Debian's chromium (never a downloaded browser).
chromium: ## Install Debian's chromium for the browser tests when missing (as root), unless CHROMIUM_PATH is set
	@if [ -z "$$CHROMIUM_PATH" ] && ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install it, or set CHROMIUM_PATH, for the browser tests"; fi; \
	fi

bench: install ## Run the benchmarks side by side with competitors
	$(PY) bench/engine.py
	$(PY) bench/templates.py
	$(PY) bench/templates.py --realism
	$(PY) bench/models.py
	$(PY) bench/argn.py
	$(PY) bench/pairs.py --against gaussian_copula,tvae,argn
	$(PY) bench/wide.py
	$(PY) bench/relational.py
	$(PY) bench/sequences.py
	$(PY) bench/privacy.py
	$(PY) bench/api.py
	$(PY) bench/api.py --time-to-data
	$(PY) bench/scale.py   # needs PostgreSQL + Redis (127.0.0.1)
	$(PY) bench/load.py

schema: install ## Regenerate the OpenAPI file (sdk/openapi.json), the clients made from it and the editor's spec-schema fixture
	$(PY) sdk/python/regenerate.py
	cd frontend && bash scripts/gen-api.sh
	cd frontend && bash scripts/gen-spec-schema.sh

lint: install ## ruff check + format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: install ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: ## Remove build outputs (keeps var/ data)
	rm -rf frontend/dist frontend/node_modules/.stamp var/static
