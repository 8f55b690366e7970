# chibo — the two commands a newcomer needs are `make run` and `make test`.
.DEFAULT_GOAL := help
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never

.PHONY: help install run test test-fast test-browser lint schemas lock bench bench-portal clean

help:
	@echo "make run    install what is missing, start RabbitMQ + the four services + the portal, load a demo"
	@echo "make test   install what is missing and run the whole test suite (real broker, PostgreSQL)"
	@echo "make lint   ruff + mypy;  make schemas  regenerate event JSON Schemas"
	@echo "make lock   re-resolve dependencies and rewrite requirements.lock"

install:
	@deploy/local/bootstrap.sh

run: install
	@$(PY) deploy/local/run.py

test: install
	@$(PY) -m event_contracts check
	@$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	@$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

test-browser: install
	@$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy libs/*/src services/*/src

schemas: install
	@$(PY) -m event_contracts generate

lock:
	uv lock
	uv export --frozen --no-emit-workspace --no-editable --format requirements-txt > requirements.lock

bench: install
	@$(PY) tests/bench/e2e_bench.py

bench-portal: install
	@deploy/local/chromium.sh >/dev/null
	@$(PY) services/portal/bench/page_bench.py

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
