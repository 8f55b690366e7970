# chibo — the two commands a newcomer needs are `make run` and `make test`.
.DEFAULT_GOAL := help
PY := .venv/bin/python
# Test processes side by side (pytest -n): the two cores of a small machine.
TEST_WORKERS ?= 2
export UV_PYTHON_DOWNLOADS := never

.PHONY: help install run cluster soak test test-fast test-browser lint schemas lock bench bench-portal clean

help:
	@echo "make run    install what is missing, start RabbitMQ + the four services + the portal, load a demo"
	@echo "make test   install what is missing and run the whole test suite (real broker, PostgreSQL)"
	@echo "make cluster  3 RabbitMQ nodes, PostgreSQL, 2 processes of each service behind HAProxy"
	@echo "make soak   the soak test with faults against that cluster (~15 min; CHIBO_SOAK=short: ~5 min)"
	@echo "make lint   ruff + mypy;  make schemas  regenerate event JSON Schemas"
	@echo "make lock   rewrite requirements.lock keeping existing pins (LOCK_ARGS=--upgrade: all afresh)"

install:
	@deploy/local/bootstrap.sh

run: install
	@$(PY) deploy/local/run.py

cluster: install
	@$(PY) deploy/local/cluster.py $(CLUSTER_ARGS)

soak: install
	@CHIBO_SOAK=$${CHIBO_SOAK:-full} $(PY) -m pytest tests/soak -m soak -s $(PYTEST_ARGS)

test: install
	@$(PY) -m event_contracts check
	@$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-fast: install
	@$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not slow" $(PYTEST_ARGS)

test-browser: install
	@$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy libs/*/src services/*/src

schemas: install
	@$(PY) -m event_contracts generate

lock:
	@deploy/local/lock.sh $(LOCK_ARGS)

bench: install
	@$(PY) tests/bench/run_all.py $(BENCH_ARGS)

bench-portal: install
	@deploy/local/chromium.sh >/dev/null
	@$(PY) services/portal/bench/page_bench.py

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
