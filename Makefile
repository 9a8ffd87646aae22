# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up from here.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DIST := service/static/dist
export UBP_ENV ?= development
export DATABASE_URL ?= sqlite:///$(CURDIR)/var/ubp.sqlite3

# Debian packages: Pango and fonts for WeasyPrint's PDFs; Chromium for the browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2
BROWSER_PACKAGES := chromium

.PHONY: run test test-newest lint audit bench deps assets clean lock

# Exact versions from the lock file (requirements/development.txt; the image uses production.txt);
# `make lock` recomputes both after a change to pyproject.toml's dependencies. The built front-end comes
# first: the package (even an editable install) carries service/static/dist.
$(BIN)/.installed: pyproject.toml requirements/development.txt $(DIST)/manifest.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade 'pip<27'
	$(BIN)/pip install --quiet -r requirements/development.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

LOCK := $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(BIN)/.installed
	$(BIN)/pip install --quiet 'pip-tools>=7.6,<8'
	$(LOCK) --output-file=requirements/production.txt pyproject.toml
	$(LOCK) --extra test --extra bench --output-file=requirements/development.txt pyproject.toml

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(DIST)/manifest.json: node_modules/.installed $(shell find frontend -type f 2>/dev/null)
	npm run --silent build

var/.system-packages:
	@mkdir -p var
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	touch $@

var/.browser-packages:
	@mkdir -p var
	@command -v /usr/bin/chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }
	touch $@

var/secret_key:
	@mkdir -p var
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

deps: $(BIN)/.installed var/.system-packages
assets: $(DIST)/manifest.json

run: deps assets var/secret_key
	SECRET_KEY=$$(cat var/secret_key) $(BIN)/python -m service.local

test: deps assets var/.browser-packages
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2

# The whole suite again on the newest Python the project supports (3.13; `make test` uses the oldest,
# 3.11). The interpreter is built from source once into var/ (scripts/newest-python.sh); CI runs both.
NEWEST := .venv-newest
test-newest: assets var/.system-packages var/.browser-packages
	@[ -x $(NEWEST)/bin/python ] || $$(bash scripts/newest-python.sh) -m venv $(NEWEST)
	$(NEWEST)/bin/pip install --quiet --upgrade 'pip<27'
	$(NEWEST)/bin/pip install --quiet -r requirements/development.txt
	$(NEWEST)/bin/pip install --quiet --no-deps -e .
	$(NEWEST)/bin/python -m pytest -n 2

# Known vulnerabilities in the installed Python packages (needs PyPI's per-release JSON API).
audit: deps
	bash scripts/audit-dependencies.sh

lint: deps
	$(BIN)/ruff check .

bench: deps assets
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(NEWEST) node_modules $(DIST) var
