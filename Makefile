# Two commands for a newcomer: `make run` and `make test`. Everything else is a step they depend on.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install run test lint typecheck unit bench clean translations


# The stamp is rebuilt whenever the pinned requirements or the project metadata change.
$(VENV)/.installed: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

# Compiled catalogs (.mo) are build products: made from the committed .po files at set-up.
TRANSLATIONS := moderation/translations
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed $(CATALOGS:.po=.mo)

# Collect every marked string from the code and templates, and add the new ones to each catalog.
translations: install
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-by-file \
		--project=Tertulia --copyright-holder="Tertulia contributors" \
		-o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching \
		--ignore-obsolete

# The two workers run beside the server and stop with it: the mail worker (without
# TERTULIA_SMTP_URL it writes each mail as an .eml file under instance/mail/ and prints the path)
# and the learning worker (a spam filter round whenever a batch of decisions waits).
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask mail send --interval 5 & mail=$$!; \
	$(BIN)/flask spam worker --interval 5 & learning=$$!; \
	trap 'kill $$mail $$learning' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell moderation models templates static tests bench docs README.md CHANGELOG.md

typecheck: install
	$(BIN)/mypy

# Three workers (pytest-xdist) on two cores: browsers, PostgreSQL and subprocesses leave a
# worker waiting much of the time (measured: 236 s with two, 190 s with three, 215 s with four).
# PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 3
unit: install
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test: lint typecheck unit

bench: install
	$(BIN)/python -m bench.language
	$(BIN)/python -m bench.spam
	$(BIN)/python -m bench.hotpath
	$(BIN)/python -m bench.http
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.memory

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
