import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_make_test_asked_for():
    """`make test` runs the suite twice; this proves the second run really is PostgreSQL."""
    expected = os.environ.get("EXPECT_DB_VENDOR")
    if expected is None:
        pytest.skip("EXPECT_DB_VENDOR is set by `make test`")
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL")
