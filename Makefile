# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
DEPS_HASH := $(shell cat requirements.in requirements-dev.in constraints.txt 2>/dev/null | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(DEPS_HASH)

.PHONY: run test install lint bench soak lock clean

run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP)
	scripts/test

install: $(STAMP)

# Installs only when the requirements or the constraints changed.
$(STAMP):
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		echo "creating $(VENV) with $$python"; rm -rf $(VENV); $$python -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.2"
	$(PY) -m pip install --quiet --disable-pip-version-check \
		-r requirements.in -r requirements-dev.in -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check bot actions tests scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# About 100 candidates through nginx for 7 minutes while processes are killed and
# PostgreSQL, Redis and RabbitMQ restart (as root, on this machine's services): see
# scripts/soak.py. `make test` runs a one-minute version.
soak: $(STAMP)
	$(PY) scripts/soak.py

bench: $(STAMP)
	$(PY) scripts/bench.py
	$(PY) scripts/bench_swap.py
	$(PY) scripts/bench_inbox.py
	$(PY) scripts/bench_meetings.py
	$(PY) scripts/bench_events.py

# Re-resolve the pinned versions after changing requirements*.in.
lock: $(STAMP)
	$(PY) -m pip install --quiet -r requirements.in -r requirements-dev.in
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf var models .pytest_cache tests/artifacts

# The production shape on this machine (bot/ops/production.py): nginx on WEB_PORT in front
# of two Rasa, two action and two web processes, restarted when they die. Needs
# DATABASE_URL (PostgreSQL) and LOCK_STORE_URL (Redis) in .env; RabbitMQ with
# `make run-production EVENT_BROKER=amqp://guest:guest@127.0.0.1:5672/` (or EVENT_BROKER_URL
# in .env): the broker's password goes through the environment, not the process list.
.PHONY: run-production
run-production: $(STAMP)
	nginx=$$(scripts/install-nginx) && \
	$(if $(EVENT_BROKER),EVENT_BROKER_URL="$(EVENT_BROKER)") $(PY) -m bot run --production --nginx "$$nginx"
