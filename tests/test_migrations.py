"""The migrations, which the suite's own databases skip (pytest.ini: --nomigrations builds them from the
models, 10 s less per database): they are in step with the models. That, applied one after the other to
an empty database, they give the schema the models give is proven on the database the backup tests
migrate (vinhtuong_program/core/tests/test_backups.py), with tests/databases.py's `schema`."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_are_in_step(settings):
    settings.MIGRATION_MODULES = {}  # the real migrations, not pytest-django's "none"
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
