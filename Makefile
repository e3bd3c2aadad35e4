# apdash — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 CELERY_BROKER_URL=memory:// CELERY_TASK_ALWAYS_EAGER=true

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

## The seeded demo on http://127.0.0.1:8000 (SQLite, eager Celery, console email).
demo: install assets
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Serving the demo on http://127.0.0.1:8000 — press Ctrl+C to stop."
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

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
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3

## Benchmarks at county (default) or England scale: BENCH_SCALE=england make benchmark
BENCH_SCALE ?= county
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/apdash_bench
benchmark: install assets
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/run.py --scale $(BENCH_SCALE)

## Mutation testing of the rule modules against their unit tests (mutmut, pinned in pyproject).
## One module at a time, niced: `make mutation` (all) or `make mutation MODULE=providers.rules`.
RULE_MODULES := apdash.rules providers.rules safeguarding.rules placements.core.rules \
	placements.attendance.rules placements.visits.rules placements.plans.rules inspection.rules
MODULE ?=
mutation: install
	@rm -rf mutants  # fresh mutants and test-to-function stats: the tests may have changed
	@for module in $(if $(MODULE),$(MODULE),$(RULE_MODULES)); do \
		echo "== $$module"; \
		nice -n 10 $(VENV)/bin/mutmut run --max-children 1 "$$module.*" >/dev/null 2>&1 || exit 1; \
		$(PY) tests/mutation_score.py "$$module" || exit 1; \
	done
