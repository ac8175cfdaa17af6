# tipsom: `make demo` sets up and serves on http://127.0.0.1:8000 (SQLite); `make test` sets up and runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo serve test test-postgres lint messages constraints clean-venv iati-schema

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "tipsom needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# The demo runs without the TOTP second factor so that a newcomer can sign in at once; production keeps it on.
demo: export TIPSOM_REQUIRE_2FA = false
demo: setup
	$(BIN)/tipsom keys init
	$(BIN)/tipsom migrate --noinput
	$(BIN)/tipsom collectstatic --noinput --verbosity 0
	$(BIN)/tipsom demo
	$(BIN)/tipsom audit chain
	$(BIN)/tipsom serve --bind 127.0.0.1:8000

serve: export TIPSOM_REQUIRE_2FA = false
serve: setup
	$(BIN)/tipsom serve --bind 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:xdist src/tipsom/core/tests/test_public_names.py
	$(BIN)/mypy src
	$(BIN)/tipsom makemigrations --check --dry-run
	$(BIN)/tipsom check

# The official IATI 2.03 schemas, for the tests that validate the IATI file: from the IATI's own pyIATI
# distribution on PyPI (MIT) into var/iati/2.03/ (never copied into the repository); skipped when present.
IATI_SCHEMA := var/iati/2.03/iati-activities-schema.xsd
iati-schema: $(IATI_SCHEMA)
$(IATI_SCHEMA): | setup
	$(BIN)/pip download --quiet --no-deps --no-binary :all: pyIATI==0.4.1 -d var/iati/
	$(BIN)/python scripts/extract_iati_schema.py var/iati/pyIATI-0.4.1.tar.gz var/iati/2.03

# Runs on SQLite; with TIPSOM_TEST_DATABASE_URL set (postgres://...), on PostgreSQL.
test: lint iati-schema
	$(BIN)/pytest -n 2 --dist loadfile -q -rs

messages: setup
	cd src/tipsom && ../../$(BIN)/tipsom makemessages --all --no-obsolete --ignore 'static/vendor/*' && ../../$(BIN)/tipsom compilemessages

# Re-pin every dependency after changing pyproject.toml.
constraints:
	rm -rf /tmp/tipsom-pin && $(PYTHON) -m venv /tmp/tipsom-pin
	/tmp/tipsom-pin/bin/pip install --quiet -e ".[dev]"
	/tmp/tipsom-pin/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements/constraints.txt

clean-venv:
	rm -rf $(VENV)

# The case benchmark (issue 4): BENCH_SCALE cases on PostgreSQL and SQLite, the case API measured through gunicorn
# with 1 and 20 clients against the raw SQL floor; then a caseworker's day on the same data (issue 11: home pages,
# tasks, search), the referrals (issue 5) and the criminal justice record (issue 12: BENCH_SCALE offences).
# BENCH_SUITES chooses ("cases home referrals justice"); bench/README.md.
BENCH_SCALE ?= 1000000
.PHONY: bench
bench: setup
	BENCH_SCALE=$(BENCH_SCALE) sh bench/run.sh
