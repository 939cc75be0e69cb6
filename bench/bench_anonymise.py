"""`anonymise_pupils` at district scale: N pupils (and their "+" history rows) anonymised in one transaction.

The pupils are inserted with `common.bulk.insert_with_history` (COPY on PostgreSQL), each with a
name, birth date, IDs and a guardian; then `anonymise()` runs, and runs again (idempotent: the
same values written again). Sizes: BENCH_ANONYMISE_SIZES ("100000" by default).
"""

from __future__ import annotations

import os
from datetime import date

from common.bulk import insert_with_history
from students.models import Commune, School, SchoolLevel, Student
from students.reference import communes_load
from vinhtuong_program.core.anonymise import anonymise


def _pupils(n: int, start: int) -> list[dict]:
    communes = list(Commune.objects.order_by("pk"))
    schools = {}
    for commune in communes:
        schools[commune.pk], _ = School.objects.get_or_create(
            code=f"B-{commune.code}",
            defaults={"name": f"Trường {commune.name}", "level": "primary", "commune": commune},
        )
    rows = []
    for i in range(start, start + n):
        commune = communes[i % len(communes)]
        rows.append(
            {
                "commune_id": commune.pk,
                "hamlet_id": None,
                "school_id": schools[commune.pk].pk,
                "full_name": f"Nguyễn Văn Thử {i}",
                "name_key": f"nguyen van thu {i}",
                "birth_date": date(2010 + i % 6, 1 + i % 12, 1 + i % 28),
                "gender": "male",
                "personal_id": f"0262{i:08d}",
                "pupil_id": f"26{i:08d}",
                "class_name": "3A",
                "level": SchoolLevel.PRIMARY,
                "guardian_name": f"Nguyễn Văn Cha {i}",
                "guardian_phone": f"09{i % 100_000_000:08d}",
                "lacks_device": True,
                "lacks_internet": bool(i % 2),
                "hardships": ["poor"] if i % 3 == 0 else [],
                "status": Student.Status.VERIFIED,
                "upload_id": None,
                "source_row": None,
                "rejection_reason": "",
                "verified_by_id": None,
                "verified_at": None,
                "created_at": None,
                "updated_at": None,
            }
        )
    return rows


def run(figures) -> None:
    from django.utils import timezone

    communes_load()
    sizes = [int(s) for s in os.environ.get("BENCH_ANONYMISE_SIZES", "100000").split(",")]
    done = 0
    for size in sizes:
        rows = _pupils(size - done, done)
        now = timezone.now()
        for row in rows:
            row["created_at"] = row["updated_at"] = now
        for chunk in range(0, len(rows), 10_000):
            insert_with_history(Student, rows[chunk : chunk + 10_000])
        done = size
        with figures.measure(f"{size:,} pupils, first run", rows=size, memory=False):
            result = anonymise()
        assert result.pupils == size and result.history_rows >= size
        with figures.measure(f"{size:,} pupils, second run", rows=size, memory=False):
            anonymise()
        assert not Student.objects.filter(guardian_phone__gt="").exists()
