# Two commands for a fresh Debian machine (see README):
#   make run    start the dashboard
#   make test   install everything the tests need, then lint and run the tests
VENV ?= .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: run test setup browser postgis lint
.DEFAULT_GOAL := run

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/.installed

# Browser tests drive Debian's Chromium through Playwright (no browser download); Noto CJK
# draws the Korean and Chinese place names in the browser and in exported images; poppler's
# pdftotext and pdftoppm read back and render the exported PDFs (tests/export).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
		[ ! -x /usr/bin/pdftoppm ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver fonts-noto-cjk poppler-utils; \
	fi

# Database tests start their own throwaway PostgreSQL cluster with PostGIS (no service).
postgis:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis; \
	fi

run: setup
	$(PY) -m streamlit run dashboard/ui/app.py $(if $(ARGS),-- $(ARGS),)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: setup browser postgis lint
	$(PY) -m pytest
