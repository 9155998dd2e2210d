# Mobile Office. `make run` for the whole system on this machine, `make test` for everything CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)

.PHONY: help install kafka-test kafka-bench s3-test postgres browser run up down open-data migrate screenshots walkthrough test test-cluster lint deploy-check unit integration bench docs demo clean

help:
	@echo "make run    the whole system in the foreground (Kafka + services, SQLite under var/)"
	@echo "make up     the same in the background; make down stops it"
	@echo "make test   install everything, start Kafka and PostgreSQL, run ruff, mypy and pytest"
	@echo "make test-cluster  only the fault tests on a three-node Kafka cluster of their own"
	@echo "make bench  the benchmarks (figures printed and written to var/bench/)"
	@echo "make open-data [FROM=YYYY-MM-DD TO=YYYY-MM-DD]  the de-identified requests file, var/open-data/"
	@echo "make migrate  every service's store upgraded to this version's schema (docs/migrations.md)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed as $(PYTHON)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $@

# Tests and benchmarks run brokers of their own, so `make run`'s data never mixes with theirs.
TEST_KAFKA := --port 19092 --data var/kafka-test
BENCH_KAFKA := --port 29092 --data var/kafka-bench

kafka-test: install
	@if [ -z "$$MO_KAFKA_BOOTSTRAP" ]; then $(PY) -m deploy.kafka.broker start $(TEST_KAFKA); fi

# The S3-compatible server (S3Proxy) of intake's attachments' tests, its data in var/s3-test.
TEST_S3 := --port 19000 --data var/s3-test

s3-test: install
	$(PY) -m deploy.s3proxy start $(TEST_S3)

kafka-bench: install
	@if [ -z "$$MO_KAFKA_BOOTSTRAP" ]; then $(PY) -m deploy.kafka.broker start $(BENCH_KAFKA); fi

postgres:
	@bash deploy/postgres/setup.sh

# The field app's tests drive Debian's Chromium (Playwright's own browser download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "browser: installing Debian's chromium"; \
		apt-get update -qq && apt-get install -y -q chromium >/dev/null; }

run: install
	$(PY) -m deploy.run run

up: install
	$(PY) -m deploy.run up

down:
	$(PY) -m deploy.run down

# The de-identified open-data file (docs/open-data.md): make open-data FROM=2026-10-01 TO=2026-10-31
open-data: install
	$(PY) -m deploy.open_data $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

deploy-check:
	@bash deploy/prometheus/check.sh

# Without PYTEST_ARGS, the unit and service tests (in-process: no broker, no S3, no ports) run
# beside the slow suites (the real broker, the browser, services as processes), which spend
# most of their time waiting: the run is shorter by the fast suites' minutes. Their output
# follows the slow suites'; either failing fails the target. The slow suites end by naming
# their twenty slowest tests: where CI's minutes go (the whole run should stay under 35).
test: install kafka-test s3-test postgres browser lint deploy-check
	@export MO_TEST_POSTGRES_URL="$$(cat var/dev/postgres.url)"; \
	if [ -n "$(PYTEST_ARGS)" ]; then exec $(VENV)/bin/pytest $(PYTEST_ARGS); fi; \
	mkdir -p var/log; \
	$(VENV)/bin/pytest -p no:cacheprovider tests/unit tests/service >var/log/fast-tests.log 2>&1 & fast=$$!; \
	$(VENV)/bin/pytest --durations=20 tests/integration tests/browser tests/e2e; slow=$$?; \
	wait $$fast; fast_status=$$?; \
	echo "== tests/unit and tests/service (run beside the above):"; cat var/log/fast-tests.log; \
	[ $$slow -eq 0 ] && [ $$fast_status -eq 0 ]

unit: install
	$(VENV)/bin/pytest tests/unit tests/service $(PYTEST_ARGS)

# Only the fault tests on a three-node Kafka cluster of their own (make test runs them too).
test-cluster: install postgres
	MO_TEST_POSTGRES_URL="$$(cat var/dev/postgres.url)" $(VENV)/bin/pytest -m cluster -s $(PYTEST_ARGS)

bench: install kafka-bench
	MO_KAFKA_BOOTSTRAP=$${MO_KAFKA_BOOTSTRAP:-127.0.0.1:29092} $(PY) -m bench

# The AsyncAPI documents describe the brokers as they run: SASL/SCRAM-SHA-512 (the name and
# password below only satisfy the settings' check; no document holds them).
DOCS_KAFKA := MO_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT MO_KAFKA_SASL_USERNAME=docs MO_KAFKA_SASL_PASSWORD=none

docs: install
	@mkdir -p docs/asyncapi docs/openapi
	@for service in intake routing notifications scheduling; do \
		$(DOCS_KAFKA) $(VENV)/bin/faststream docs gen --factory --yaml services.$$service.app:asyncapi \
			--out docs/asyncapi/$$service.yaml; \
		$(DOCS_KAFKA) $(PY) -m deploy.openapi $$service > docs/openapi/$$service.json; \
	done

clean: down
	-$(PY) -m deploy.kafka.broker stop $(TEST_KAFKA)
	-$(PY) -m deploy.kafka.broker stop $(BENCH_KAFKA)
	-$(PY) -m deploy.s3proxy stop $(TEST_S3)
	-$(PY) -m deploy.kafka.cluster stop --data var/kafka-cluster-test
	-$(PY) -m deploy.kafka.cluster stop --port 49092 --data var/kafka-cluster-bench
	rm -rf var

# Every store (each MO_<SERVICE>_DATABASE_URL) to this version's schema; services also do it at
# start. More (current, history, downgrade, check, a new revision): deploy/migrate.py --help.
migrate: install
	$(PY) -m deploy.migrate upgrade

# The docs' screenshots, from the last test run (the browser tests write them to var/screenshots).
screenshots:
	@test -n "$$(ls var/screenshots/*.png 2>/dev/null)" || { echo "run make test first"; exit 1; }
	cp var/screenshots/*.png docs/screenshots/

demo: install
	$(PY) -m deploy.demo

# The README's "Try it" commands against the running system (make up): CI keeps them true.
walkthrough: install
	$(PY) -m deploy.walkthrough
