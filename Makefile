# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Both create .venv from the pinned requirements once, and reuse it after.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8501

CHROMIUM := /usr/bin/chromium
PG_BIN := /usr/lib/postgresql/15/bin
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test lint bench install system-packages clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

# The local default database, seeded with demo data and demo accounts when it
# is first created. Only ever that one: with HCDEV_DATABASE_URL set, run uses
# the named database as it is.
DEFAULT_DB := var/hcdev.sqlite3
$(DEFAULT_DB): | $(STAMP)
	$(PY) -m hcdev_match demo --assessments 2000 --if-empty

run: $(STAMP) $(if $(HCDEV_DATABASE_URL),,$(DEFAULT_DB))
	$(PY) -m streamlit run dashboard.py --server.address $(HOST) --server.port $(PORT) \
		--browser.gatherUsageStats false --server.headless true

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# The browser tests drive Debian's Chromium (never a downloaded browser) and
# the store tests a real PostgreSQL that the tests start on loopback.
# Installs only what is missing, so a second run costs nothing.
system-packages:
	@missing=""; \
	test -x $(CHROMIUM) || missing="$$missing chromium"; \
	test -x $(PG_BIN)/initdb || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

test: lint system-packages
	$(PY) -m pytest

bench: $(STAMP) system-packages
	$(PY) bench/evaluation.py
	$(PY) bench/calibration.py
	$(PY) bench/throughput.py
	$(PY) bench/browser.py
	$(PY) bench/recruiter.py
	$(PY) bench/hr.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
