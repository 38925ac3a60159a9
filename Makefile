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
NGINX := /usr/sbin/nginx
JAVA17 := /usr/lib/jvm/java-17-openjdk-$(shell dpkg --print-architecture 2>/dev/null)/bin/java
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test lint bench fuzz install system-packages clean

# The project itself is installed too (editable, so the checkout is what runs):
# bench scripts and `python -m hcdev_match` import the installed package.
$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# The local default database, seeded with demo data and two demo accounts when
# it is first created; their random passwords are printed this once. Only ever
# that one: with HCDEV_DATABASE_URL set, run uses the named database as it is.
DEFAULT_DB := var/hcdev.sqlite3
$(DEFAULT_DB): | $(STAMP)
	$(PY) -m hcdev_match demo --assessments 2000 --if-empty --accounts --database sqlite:///$(abspath $(DEFAULT_DB))

run: $(STAMP) $(if $(HCDEV_DATABASE_URL),,$(DEFAULT_DB))
	$(PY) -m streamlit run dashboard.py --server.address $(HOST) --server.port $(PORT) \
		--browser.gatherUsageStats false --server.headless true

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# The browser tests drive Debian's Chromium (never a downloaded browser), the
# store tests a real PostgreSQL that the tests start on loopback, the cluster
# tests Debian's nginx in front of replicas, and rank-table's Spark engine
# Java 17. Installs only what is missing, so a second run costs nothing.
system-packages:
	@missing=""; \
	test -x $(CHROMIUM) || missing="$$missing chromium"; \
	test -x $(PG_BIN)/initdb || missing="$$missing postgresql"; \
	test -x $(NGINX) || missing="$$missing nginx"; \
	test -x $(JAVA17) || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# Two worker processes, each taking whole test files (--dist loadfile), so a
# file's server, browser and database start once: many tests wait on a
# server, a browser or a lock, and the other worker runs meanwhile. The files
# go in the order tests/conftest.py gives them, slowest first: xdist's own
# order (most tests first) left the few-test files, the slowest, for the end.
test: lint system-packages
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder

bench: $(STAMP) system-packages
	$(PY) -m bench.evaluation
	$(PY) -m bench.openings
	$(PY) -m bench.calibration
	$(PY) -m bench.stuffing
	$(PY) -m bench.throughput
	$(PY) -m bench.browser
	$(PY) -m bench.recruiter
	$(PY) -m bench.hr
	$(PY) -m bench.hostile
	$(PY) -m bench.load
	$(PY) -m bench.cluster
	$(PY) -m bench.rank_table

# Coverage-guided fuzzing of text extraction (tests/fuzz_documents.py). The
# corpus grows in var/fuzz/corpus across runs; a failing input is saved in
# var/fuzz/ and printed. `make test` runs 300 executions of the same.
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)
	mkdir -p var/fuzz
	$(PY) tests/fuzz_documents.py --seeds var/fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -timeout=15 \
		-rss_limit_mb=2048 -artifact_prefix=var/fuzz/ -print_final_stats=1

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
