# Two commands do everything on a fresh machine (Python 3.11+ and make):
#   make report   environment, data validation, every notebook executed fresh, reports/ rendered
#   make check    the quick lane: lint and the tests not marked slow (under a minute)
#   make test     lint, unit tests, data checks, the data package validated by frictionless
#                 (offline), chart regression, nbval on every notebook,
#                 JupyterLab and the rendered report in a real browser (Debian's Chromium)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JupyterLab reads default settings from overrides.json in its application directory.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg
CHROMIUM := /usr/bin/chromium
# Tests run in parallel, one pytest-xdist worker per core (make test TEST_WORKERS=1: one worker).
# Each file runs whole on one worker, files in the order tests/conftest.py gives them.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 1)
XDIST := -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

.PHONY: all env check validate package package-check report test lint refresh chart-baselines browser clean records-report

all: report

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# This environment's JupyterLab starts without asking about Jupyter news and checks for no update.
$(LAB_SETTINGS): etc/jupyterlab/overrides.json $(STAMP)
	install -D -m 644 $< $@

env: $(STAMP) $(LAB_SETTINGS)

validate: $(STAMP)
	$(PY) -m analysis validate

# data/datapackage.json as frictionless reads it: types, keys, foreign keys, file hashes.
# Every resource is a local file or inline data, so the check needs no network.
package-check: $(STAMP)
	$(VENV)/bin/frictionless validate data/datapackage.json

# Regenerate data/datapackage.json and the tables of data/README.md from the schema files.
package: $(STAMP)
	$(PY) -m analysis package

report: validate
	$(PY) -m analysis report --out reports

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks notebooks
	$(PY) -m ruff format --check src tests benchmarks

# The browser test drives Debian's Chromium (Playwright's own browser download is not used).
browser:
	@test -x $(CHROMIUM) || { export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; }

test: lint validate package-check browser $(LAB_SETTINGS)
	MPLBACKEND=Agg $(PY) -m pytest $(XDIST) $(NBVAL) tests $(NOTEBOOKS)

# The quick lane for a developer's loop: lint, then every test not marked slow (no notebook run,
# no report built, no install); under a minute on two cores. `make test` still runs everything.
check: lint $(LAB_SETTINGS)
	MPLBACKEND=Agg $(PY) -m pytest $(XDIST) -q -m quick tests

# Re-execute every notebook in place to store new outputs after an intended change,
# and record the charts' new SVG hashes.
refresh: validate
	$(PY) -m analysis refresh $(NOTEBOOKS)
	$(MAKE) chart-baselines

# Record the SVG hash of every chart the library draws (tests/chart_baselines.json).
chart-baselines: $(STAMP)
	RECORD_CHART_BASELINES=1 MPLBACKEND=Agg $(PY) -m pytest -q tests/test_charts.py

# Notebook 05 on your own export, as a shareable folder:
#   make records-report ENTRIES=entries.csv [CLOSURES=closures.csv] [MAPPING=mapping.yml] OUT=my-report
records-report: $(STAMP)
	@test -n "$(ENTRIES)" -a -n "$(OUT)" || { echo "usage: make records-report ENTRIES=FILE [CLOSURES=FILE] [MAPPING=FILE] OUT=DIR" >&2; exit 2; }
	$(PY) -m analysis records-report --entries "$(ENTRIES)" $(if $(CLOSURES),--closures "$(CLOSURES)") $(if $(MAPPING),--mapping "$(MAPPING)") --out "$(OUT)"

clean:
	rm -rf reports build
