# salesorg: `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3.12
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
WORKERS ?=

.PHONY: install lock demo map test lint bench viz system-deps clean check-python

check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: salesorg needs Python 3.12, but '$(PYTHON)' is not on PATH."; \
	  echo "       Install it (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12 ...'."; \
	  exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "error: '$(PYTHON)' is $$($(PYTHON) --version 2>&1); salesorg needs Python >= 3.12."; exit 1; }

$(STAMP): pyproject.toml constraints.txt
	@$(MAKE) --no-print-directory check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

## install: create .venv with Python 3.12 and install salesorg into it at the versions of
## constraints.txt (nothing else)
install: $(STAMP)

## lock: resolve pyproject.toml's ranges afresh in a scratch venv and write the versions into
## constraints.txt (then `make test`: the baseline says whether the bits moved)
lock: check-python
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	grep "^#" constraints.txt > constraints.new  # the header
	.venv-lock/bin/python -m pip freeze --exclude salesorg --disable-pip-version-check >> constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-lock

## system-deps: Debian's chromium for the end-to-end browser test (needs root; skipped otherwise)
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium for the browser test..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: /usr/bin/chromium not found and not root: the browser test will be skipped."; \
	  fi; \
	fi

## demo: set up, run the default experiment, write results, figures and a report
demo: install
	$(VENV)/bin/salesorg run quick --out results/quick
	$(VENV)/bin/salesorg figures results/quick
	$(VENV)/bin/salesorg report results/quick
	$(VENV)/bin/salesorg validate march1991 --out results/march1991
	$(VENV)/bin/salesorg validate docking --out results/march1991
	@echo ""
	@echo "done: results/quick/ (runs, figures/, report.html) and results/march1991/"

## map: where pods win (experiments/when_pods_win.toml on 2 cores), its figures and report, and
## the map as docs/when_pods_win.png (the README's second picture)
map: install
	$(VENV)/bin/salesorg run when_pods_win --out results/when_pods_win --workers 2
	$(VENV)/bin/salesorg figures results/when_pods_win
	$(VENV)/bin/salesorg report results/when_pods_win
	cp results/when_pods_win/figures/map_which-design-wins_*.png docs/when_pods_win.png
	@echo ""
	@echo "done: results/when_pods_win/report.html and docs/when_pods_win.png"

## test: set up, lint with ruff, type-check with mypy, run the test suite
test: install system-deps lint
	$(VENV)/bin/pytest -q  # not `python -m`: the checkout must not be on sys.path (imports go through salesorg)

lint: install
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --no-cache --check .
	@# mypy cannot follow setuptools' package-dir mapping: link the folders as salesorg.* first
	@rm -rf .typecheck && mkdir -p .typecheck/salesorg
	@for f in salesorg/*; do ln -s "../../$$f" .typecheck/salesorg/; done
	@for d in model agents experiments analysis viz benchmarks; do ln -s "../../$$d" .typecheck/salesorg/$$d; done
	$(PY) -m mypy  # salesorg.model and salesorg.experiments, configured in pyproject.toml

## bench: speed and memory targets, printed as ratios (benchmarks/bench.py)
bench: install
	$(PY) -m salesorg.benchmarks.bench

## viz: the browser visualization on http://127.0.0.1:8765
viz: install
	$(VENV)/bin/salesorg viz

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
