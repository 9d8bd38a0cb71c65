# Quick start: `make chat` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PO     := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check

# A .venv whose python no longer runs (half-made, or its Python moved) is set up again.
ifneq ($(wildcard $(STAMP)),)
ifeq ($(shell $(BIN)/python -c 'import pip' >/dev/null 2>&1 && echo ok),)
$(shell rm -f $(STAMP))
endif
endif

.PHONY: setup chat test lint run check classify bench catalogs extract update-catalogs locale-init lock clean

setup: $(STAMP) $(MO)

# Installs exactly what requirements-dev.txt pins (generated from pyproject.toml by `make lock`),
# then the checkout itself. A .venv left half-made (an interrupted first run, a moved Python)
# has no working python or pip: it is thrown away and made again.
$(STAMP): pyproject.toml requirements-dev.txt
	@$(BIN)/python -c 'import pip' >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	@rm -f $@
	$(PIP) install -r requirements-dev.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

# compiled gettext catalogs (.mo) are built from the .po files, never committed
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -D messages -l $* -i $< -o $@ --statistics

catalogs: $(MO)

chat: setup
	$(BIN)/python -m bot chat

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

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

# Regenerate the pinned files from pyproject.toml (the Procfile platforms install requirements.txt).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra postgres --python-version 3.11 --quiet -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements-dev.txt

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo .pytest_cache
