# Two commands do everything on a fresh machine (Python 3.11+ and make):
#   make report   environment, data validation, every notebook executed fresh, reports/ rendered
#   make test     lint, unit tests, data checks, nbval on every notebook
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg

.PHONY: all env validate report test lint refresh clean

all: report

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

env: $(STAMP)

validate: $(STAMP)
	$(PY) -m analysis validate

report: validate
	$(PY) -m analysis report --out reports

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks notebooks
	$(PY) -m ruff format --check src tests benchmarks

test: lint validate
	MPLBACKEND=Agg $(PY) -m pytest $(NBVAL) tests $(NOTEBOOKS)

# Re-execute every notebook in place to store new outputs after an intended change.
refresh: validate
	for nb in $(NOTEBOOKS); do \
	  $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 "$$nb"; \
	done

clean:
	rm -rf reports build
