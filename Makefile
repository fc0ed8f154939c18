# plan389: `make demo` installs and runs the pipeline on the bundled data; `make test` runs
# every test. Both create .venv themselves from requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(abspath .dagster_home)

.PHONY: install demo test test-fast dev validate lint format lock manifest docs clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "plan389 needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

# Dagster's instance directory, with the repo's dagster.yaml (warehouse pool limit) unless the
# user has their own.
$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	@[ -f $@ ] || cp $< $@

demo: install
	$(BIN)/plan389 run

test: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not e2e"

manifest: install
	cd dbt_project && ../$(BIN)/dbt parse --quiet

# dbt docs (catalog of sources, models, columns) for the warehouse a demo run built.
docs: install
	cd dbt_project && ../$(BIN)/dbt docs generate && echo "open dbt_project/target/index.html"

dev: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev

validate: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster definitions validate

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-resolve every dependency from pyproject.toml into requirements.lock.
lock:
	rm -rf /tmp/plan389-lock && $(PYTHON) -m venv /tmp/plan389-lock
	/tmp/plan389-lock/bin/python -m pip install --quiet -e '.[dev]'
	( echo "# Fully pinned versions of every dependency (make lock regenerates it). Installs use it as"; \
	  echo "# constraints: pip install -c requirements.lock -e '.[dev]'"; \
	  /tmp/plan389-lock/bin/python -m pip freeze --exclude-editable | grep -v '^plan389' ) > requirements.lock

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs .pytest_cache
