# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
# Test processes (pytest-xdist): one per core by default; `make test TEST_WORKERS=0` runs them in one.
TEST_WORKERS ?= auto
# Browser code from npm (package-lock.json), copied where the app serves it; never committed.
VENDOR := lms/static/vendor

.PHONY: run test lint format install clean

$(BIN)/lms: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/lms

$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The player needs Node.js and npm. Run: sudo apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)/scorm-again
	cp node_modules/scorm-again/dist/scorm12.min.js node_modules/scorm-again/dist/scorm2004.min.js \
	  node_modules/scorm-again/LICENSE $(VENDOR)/scorm-again/
	touch $@

install: $(BIN)/lms $(VENDOR)/.installed

run: install
	$(BIN)/lms db upgrade
	$(BIN)/lms demo load
	@echo "Serving the portal (Ctrl+C stops it)"
	LMS_ENV=development $(BIN)/lms run --host 127.0.0.1 $(if $(PORT),--port $(PORT))

test: install chromium
	$(BIN)/ruff check lms lrs tests bench content_packages
	$(BIN)/ruff format --check lms lrs tests bench content_packages
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The browser tests drive Debian's Chromium; install it when we can, say how when we cannot.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium. Run: sudo apt-get install -y chromium"; exit 1; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check lms lrs tests bench content_packages

format: install
	$(BIN)/ruff format lms lrs tests bench content_packages
	$(BIN)/ruff check --fix lms lrs tests bench content_packages

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info node_modules $(VENDOR) build
.PHONY: chromium
