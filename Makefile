# Two commands for a fresh Debian machine (see README):
#   make run    start the dashboard
#   make test   install everything the tests need, then lint and run the tests
VENV ?= .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: run test setup browser postgis axe media lint
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

# The accessibility audit injects axe-core (npm, pinned) into the app's pages; it lives in a
# git-ignored cache, installed again when the pin changes. Debian's npm if there is none.
AXE_VERSION := 4.14.1
AXE_DIR := .cache/axe
axe:
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	@if [ "$$(cat $(AXE_DIR)/VERSION 2>/dev/null)" != "$(AXE_VERSION)" ] || \
		[ ! -f $(AXE_DIR)/node_modules/axe-core/axe.min.js ]; then \
		npm install --silent --no-save --no-package-lock --no-audit --no-fund \
			--prefix $(AXE_DIR) axe-core@$(AXE_VERSION) && echo $(AXE_VERSION) > $(AXE_DIR)/VERSION; \
	fi

# Timeline clips (MP4) are encoded by Debian's ffmpeg (H.264); its ffprobe checks them in tests.
media:
	@if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg; \
	fi

run: setup
	$(PY) -m streamlit run dashboard/ui/app.py $(if $(ARGS),-- $(ARGS),)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: setup browser postgis axe media lint
	$(PY) -m pytest
