# apdash — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The demo serves here; every address it prints (the banner, register links in the seed output
# and in emails) is built from these, so `make demo DEMO_PORT=8080` stays consistent.
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000
DEMO_URL := http://$(DEMO_HOST):$(DEMO_PORT)
# SQLite file, kombu's filesystem broker (no server), DEBUG off: a real worker and beat run beside
# the web server, started from the same bin/ scripts as production (Procfile).
DEMO_ENV := DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 CELERY_BROKER_URL=filesystem:// \
	APDASH_BROKER_FOLDER=$(CURDIR)/.demo/broker DEBUG=false APDASH_SITE_URL=$(DEMO_URL) \
	ALLOWED_HOSTS=$(DEMO_HOST),127.0.0.1,localhost BIND=$(DEMO_HOST):$(DEMO_PORT) \
	WEB_CONCURRENCY=2 WORKER_CONCURRENCY=2 PATH="$(CURDIR)/$(VENV)/bin:$$PATH"

.PHONY: demo test install assets lint benchmark clean mutation

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

static/build/apdash.css: node_modules/.installed static/scss/apdash.scss build-assets.mjs
	npm run --silent build

install: $(VENV)/.installed
assets: static/build/apdash.css

## The seeded demo on $(DEMO_URL): web (gunicorn), Celery worker and beat under honcho.
demo: install assets
	mkdir -p staticfiles .demo/broker
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Serving the demo on $(DEMO_URL) (web, Celery worker and beat) — press Ctrl+C to stop."
	$(DEMO_ENV) $(VENV)/bin/honcho start web worker beat

## The whole test suite (PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL say so).
test: install assets
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm .demo

## Benchmarks at county (default) or England scale: BENCH_SCALE=england make benchmark
BENCH_SCALE ?= county
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/apdash_bench
benchmark: install assets
	$(PY) benchmarks/run.py --scale $(BENCH_SCALE) --database-url $(BENCH_DATABASE_URL)

## Mutation testing of the rule modules against their unit tests (mutmut, pinned in pyproject).
## One module at a time, niced: `make mutation` (all) or `make mutation MODULE=providers.rules`.
RULE_MODULES := apdash.rules providers.rules safeguarding.rules placements.core.rules \
	placements.attendance.rules placements.visits.rules placements.plans.rules placements.compliance.rules \
	inspection.rules
MODULE ?=
mutation: install
	@rm -rf mutants  # fresh mutants and test-to-function stats: the tests may have changed
	@for module in $(if $(MODULE),$(MODULE),$(RULE_MODULES)); do \
		echo "== $$module"; \
		nice -n 10 $(VENV)/bin/mutmut run --max-children 1 "$$module.*" >/dev/null 2>&1 || exit 1; \
		$(PY) tests/mutation_score.py "$$module" || exit 1; \
	done
