# Quick start: `make chat` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PO     := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: setup chat test run check classify bench catalogs extract update-catalogs locale-init clean

setup: $(STAMP) $(MO)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# compiled gettext catalogs (.mo) are built from the .po files, never committed
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -D messages -l $* -i $< -o $@ --statistics

catalogs: $(MO)

chat: setup
	$(BIN)/python -m bot chat

test: setup
	$(BIN)/python -m pytest

run: setup
	$(BIN)/python -m bot run

check: setup
	$(BIN)/python -m bot content check

bench: setup
	$(BIN)/python -m bench

# Babel workflow for UI strings: extract -> update -> (translate the .po) -> compile
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -o locales/messages.pot --project=migrasi-aman --no-location --sort-output .

update-catalogs: extract
	$(BIN)/pybabel update -D messages -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete

locale-init: extract
	@test -n "$(LANG_CODE)" || (echo "usage: make locale-init LANG_CODE=jv" && exit 2)
	$(BIN)/pybabel init -D messages -i locales/messages.pot -d locales -l $(LANG_CODE)

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo .pytest_cache
