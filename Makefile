# dietplanner: `make run` to try it, `make test` to run the whole suite. See the README.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
PROD_ENV := DJANGO_ENV=production ALLOWED_HOSTS=dietplanner.example SECRET_KEY=check-only-$(shell printf '%050d' 0)

.PHONY: run serve test test-fast lint format check bench load install install-dev clean

# The environment is rebuilt only when pyproject.toml changes (the stamp files record it).
$(VENV)/.stamp-base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-base
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.stamp-base
install-dev: $(VENV)/.stamp-dev

# The port is checked first: a second `make run` stops before it resets the demo accounts.
run: $(VENV)/.stamp-base
	@$(PY) bin/port-free $(PORT)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_catalogue
	@echo ""
	@echo "Demo accounts (development only):"
	@$(MANAGE) seed_demo
	@echo ""
	@$(MANAGE) where_mail_goes
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(MANAGE) runserver 127.0.0.1:$(PORT)

# The production recipe locally: gunicorn, the task worker and the minute trigger (bin/serve).
serve: $(VENV)/.stamp-base
	bin/serve

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(VENV)/.stamp-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The same without the long simulations and hypothesis walks (marker `slow`), while you work.
test-fast: $(VENV)/.stamp-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m 'not slow and not benchmark'

# Speed, printed and never asserted. The page benchmark and the load test drop and refill
# their own PostgreSQL database (BENCH_DATABASE_URL, default .../dp_bench) and serve it with
# gunicorn on 127.0.0.1 (docs/performance.md).
bench: $(VENV)/.stamp-dev
	$(PY) -m pytest tests/benchmarks -m benchmark -s -q
	$(PY) -m tests.benchmarks.pages

load: $(VENV)/.stamp-dev
	$(PY) -m tests.benchmarks.load

# The import contracts ([tool.importlinter] in pyproject.toml) keep imports pointing down
# (docs/architecture.md).
lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.stamp-dev
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(PROD_ENV) $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
