# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
# CI's PostgreSQL: trust auth on 127.0.0.1; pytest-django creates test_<name>.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-dev test lint typecheck format test-sqlite test-postgres messages bench bench-allocation load worker security backup restore clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Serve the app with demo data on SQLite at http://$(HOST):$(PORT), with the background worker
# The worker (pupil list imports) runs beside runserver and is stopped when runserver stops.
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_reference_data
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo_data
	DJANGO_DEBUG=1 $(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Background worker for django-tasks (database backend)
worker: install
	$(BIN)/python manage.py run_worker

## Back up the database of DATABASE_URL and MEDIA_ROOT into BACKUP_DIR (default ./backups/)
# Needs the same environment as the app (DJANGO_SECRET_KEY, DATABASE_URL...): deploy/README.md.
backup: install
	$(BIN)/python manage.py backup_database

## Restore one: make restore BACKUP=backups/vinhtuong-YYYYMMDD-HHMMSS [RESTORE_FORCE=1 to replace a non-empty database]
restore: install
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/vinhtuong-YYYYMMDD-HHMMSS [RESTORE_FORCE=1]" >&2; exit 2; }
	$(BIN)/python manage.py restore_database "$(BACKUP)" $(if $(filter 1 yes true,$(RESTORE_FORCE)),--force)

## The whole suite, exactly as CI runs it
# The three checks run side by side (security mostly waits on the network), each one's output printed
# whole when it ends; then both databases at once, each in two lanes (below): on two cores, one database's
# lanes alone leave a core idle while the longer lane finishes. The PostgreSQL run leaves out the tests
# marked database_independent, which the SQLite run runs.
test: install-dev
	@echo "== $$(date +%T) the checks: lint, typecheck, security"
	$(MAKE) --no-print-directory -j3 --output-sync=target lint typecheck security
	@echo "== $$(date +%T) the tests on SQLite and on PostgreSQL, side by side (each printed whole when it ends)"
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres SKIP_DATABASE_INDEPENDENT=1
	@echo "== $$(date +%T) make test done"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## mypy with django-stubs over the whole project (mypy.ini: a lenient baseline, strict modules listed there)
typecheck: install-dev
	DJANGO_SECRET_KEY=typecheck-only $(BIN)/mypy .

## bandit over our code, pip-audit of the pinned requirements (skipped, saying so, only when no registry answers)
security: install-dev
	$(BIN)/python .ci/security.py

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Each database run (scripts/test_lanes.sh) runs two lanes at once: the tests that serve the app live
# (browser journeys, live_server) one at a time in a process of their own, and every other test shared out
# over TEST_WORKERS processes (pytest-xdist; each worker has a test database of its own, test_<name>_gw0...;
# a module's tests stay on one worker, so a module-scoped fixture is built once). Together: every test, once.
# TEST_WORKERS=0 runs them all one at a time in one process.
TEST_WORKERS ?= 2
PYTEST_ALL := TEST_WORKERS=$(TEST_WORKERS) PYTEST=$(BIN)/pytest bash scripts/test_lanes.sh

# The SQLite run runs the database_independent tests even when `make test` passes SKIP_DATABASE_INDEPENDENT=1
# (make gives command-line variables to every recipe).
test-sqlite: install-dev
	export EXPECT_DB_VENDOR=sqlite; unset DATABASE_URL SKIP_DATABASE_INDEPENDENT; $(PYTEST_ALL)

# Under CI=true PostgreSQL is mandatory; elsewhere a missing server is reported loudly and skipped.
test-postgres: install-dev
	@if bash .ci/ensure-postgres "$(TEST_DATABASE_URL)"; then \
		export DATABASE_URL="$(TEST_DATABASE_URL)" EXPECT_DB_VENDOR=postgresql SKIP_DATABASE_INDEPENDENT="$(SKIP_DATABASE_INDEPENDENT)"; $(PYTEST_ALL); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required under CI and is not reachable at $(TEST_DATABASE_URL)" >&2; exit 1; \
	else \
		echo "*** PostgreSQL run SKIPPED: no server at $(TEST_DATABASE_URL) (CI would fail here) ***" >&2; \
	fi

## The figures guard (issue 15) with many more and longer random histories: nightly, not in `make test`
.PHONY: test-figures-nightly
test-figures-nightly: install-dev
	HYPOTHESIS_PROFILE=nightly env -u DATABASE_URL EXPECT_DB_VENDOR=sqlite $(BIN)/pytest -p no:cacheprovider --timeout=0 reports/tests/test_figures_guard.py

## Regenerate and compile translations (needs GNU gettext); the .mo files are committed.
messages: install-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=staticfiles
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -l vi --ignore=.venv

## Nightly-sized fuzzing of the spreadsheet reader (issue 16); `make test` runs 40 files of it
fuzz: install-dev
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3000} FUZZ_RANDOM=1 DJANGO_DEBUG=1 $(BIN)/python -m students.tests.fuzz_files

## Benchmarks print figures; `make bench NAME=...` runs one
bench: install-dev
	$(BIN)/python -m bench $(NAME)

## Allocation at district scale (issue 6): on PostgreSQL, e.g.
# make bench-allocation DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench [BENCH_ALLOCATION_SIZES=10000,100000]
bench-allocation: install-dev
	$(BIN)/python -m bench allocation

## Load on 127.0.0.1 (issue 8), bounded (about 3 minutes): every public page under wrk (8 connections,
# BENCH_LOAD_SECONDS each), then BENCH_PLEDGE_SUBMITTERS=10 donors submitting the pledge form for
# BENCH_PLEDGE_SECONDS=60 against gunicorn (2 x cores + 1 sync workers, database cache), every pledge
# checked in the database. A throwaway database; on PostgreSQL, e.g.
# make load DATABASE_URL=postgres://postgres@127.0.0.1:5432/load
load: install-dev
	BENCH_LOAD_SECONDS=$${BENCH_LOAD_SECONDS:-10} $(BIN)/python -m bench public_pages pledge_load
## Security scan (issue 8): wapiti (whole site, signed in as staff) and sqlmap (public forms and lookups)
# against a throwaway copy of the app under gunicorn on 127.0.0.1 only; reports in scan-reports/, 7 to 15 min.
# Installs the Debian packages wapiti and sqlmap when missing. Budgets (seconds): SCAN_WAPITI_PUBLIC_CRAWL_SECONDS,
# SCAN_WAPITI_PUBLIC_ATTACK_SECONDS (per module), the same two for STAFF, SCAN_SQLMAP_SECONDS (per form).
.PHONY: scan
scan: install
	$(BIN)/python scripts/scan.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache scan-reports
