"""The receiving committee named in plan §VI."""

from __future__ import annotations

from django.db import transaction

from donations.models import CommitteeMember

COMMITTEE = [
    ("Dương Xuân Tiên", "Phó trưởng phòng GD&ĐT", "0982114338"),
    ("Lê Thị Kim Dung", "Kế toán Phòng GD&ĐT", "0966327678"),
    ("Nguyễn Hồng Long", "Cán bộ Phòng GD&ĐT", "0388343373"),
    ("Phan Bá Hùng", "Cán bộ Phòng GD&ĐT", "0984940831"),
]


def committee_load() -> int:
    created = 0
    with transaction.atomic():
        for position, (full_name, title, phone) in enumerate(COMMITTEE, start=1):
            _member, was_created = CommitteeMember.objects.get_or_create(
                full_name=full_name, defaults={"title": title, "phone": phone, "position": position}
            )
            created += was_created
    return created
