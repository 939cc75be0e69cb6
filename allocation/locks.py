"""One PostgreSQL advisory lock for writes to supports.

A saved allocation run takes it exclusively, so nothing changes under it while
it checks and writes thousands of rows; a change by hand (create, change,
withdraw) takes it shared, so hand changes run side by side and are kept apart
by row locks and the constraints. SQLite serialises every write anyway.
"""

from __future__ import annotations

from django.db import connection

_ALLOCATION_LOCK = 0x5A110C  # any constant unique within the database


def lock_allocation(*, exclusive: bool) -> None:
    """Take the lock for the current transaction (released at commit or rollback)."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_ALLOCATION_LOCK])
