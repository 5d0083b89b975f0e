# The README's two commands: `make run` and `make test`.
PY := .venv/bin/python

.PHONY: run test setup venv assets lint benchmark benchmark-pages benchmark-quality clean

run: SYSTEM_DEPS := run
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	scripts/run.sh

test: SYSTEM_DEPS := test
test: setup
	$(PY) manage.py makemigrations --check --dry-run
	node --test tests/js/
	$(PY) -m pytest $(PYTEST_ARGS)

setup: venv assets
	@mkdir -p var

venv:
	scripts/system-deps.sh $(or $(SYSTEM_DEPS),run)
	scripts/venv.sh
	@if [ ! -f .venv/.installed ] || [ requirements.txt -nt .venv/.installed ] || [ requirements-dev.txt -nt .venv/.installed ]; then \
		$(PY) -m pip install --quiet -r requirements-dev.txt && touch .venv/.installed; fi

assets:
	@if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then \
		npm ci --no-audit --no-fund && touch node_modules/.installed; fi

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports

# Needs PostGIS: DATABASE_URL=postgis://... (default database wushui_bench on 127.0.0.1).
benchmark: venv
	$(PY) benchmarks/patrols.py $(BENCHMARK_ARGS)

# Every page at Wenzhou scale against PostGIS (default database wushui_scale, rebuilt unless --reuse).
benchmark-pages: venv
	$(PY) benchmarks/pages.py $(BENCHMARK_ARGS)

# Sample import and the HJ 212 listener (docs/benchmarks.md); PostGIS as above.
benchmark-quality: venv
	$(PY) benchmarks/quality.py $(BENCHMARK_ARGS)

clean:
	rm -rf var staticfiles
