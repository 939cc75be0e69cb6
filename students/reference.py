"""The district's 28 communes and townships, from the official code list."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from students.models import Commune

COMMUNES_CSV = Path(__file__).parent / "data" / "communes.csv"


def communes_load(path: Path = COMMUNES_CSV) -> int:
    """Create the communes that are missing; returns how many were created.

    Rows that exist are left as staff may have edited them.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    created = 0
    with transaction.atomic():
        for row in rows:
            _commune, was_created = Commune.objects.get_or_create(
                code=row["code"].strip(), defaults={"name": row["name"].strip(), "kind": row["kind"].strip()}
            )
            created += was_created
    return created
