# Two commands: `make run` (set up everything and serve the demo) and `make test` (SQLite, then PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test test-sqlite test-postgres browser bench migrate demo clean prod-check

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@sh scripts/ensure_fonts.sh
	$(BIN)/python manage.py collectstatic --noinput -v0
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bash scripts/serve.sh

browser:
	@sh scripts/ensure_browser.sh

test: install browser
	@BIN=$(BIN) bash scripts/test.sh

test-sqlite: install
	FAZHI_TESTING=1 $(BIN)/python -m pytest -q -n 2

# The production layout on a throw-away PostgreSQL database: owner/app roles, DEBUG off, check --deploy, gunicorn,
# smoke tests; everything is removed afterwards. PG_ADMIN_URL points at a role that may create databases and roles.
prod-check: install
	@BIN=$(BIN) bash scripts/prod_check.sh

bench: install
	$(BIN)/python manage.py bench

clean:
	rm -rf $(VENV) var/staticfiles
