# ESS Dispatch. `make run` serves the app on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint typecheck format migrations-check bench richmenu clean

$(STAMP): requirements/base.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_registry
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  ESS Dispatch:     http://$(HOST):$(PORT)/"
	@echo "  Dashboard:        http://$(HOST):$(PORT)/dashboard/"
	@echo "  Provincial review http://$(HOST):$(PORT)/review/"
	@echo "  LINE simulator:   http://$(HOST):$(PORT)/simulator/"
	@echo "  Admin:            http://$(HOST):$(PORT)/admin/"
	@echo "  Health:           http://$(HOST):$(PORT)/healthz"
	@echo ""
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(VENV)/bin/daphne -b $(HOST) -p $(PORT) essdispatch.asgi:application

# Production-like local run: web, Celery worker and beat together (needs DATABASE_URL, REDIS_URL).
serve: install
	$(VENV)/bin/honcho start -f Procfile

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

typecheck: install
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) bench/run.py

richmenu: install
	$(PY) manage.py line_richmenu

clean:
	rm -rf $(VENV) var staticfiles
