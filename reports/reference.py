"""The deadlines of the district plan (Kế hoạch triển khai, September 2021)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from reports.models import Milestone

_VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day: int, hour: int = 23, minute: int = 59) -> datetime:
    return datetime(2021, 9, day, hour, minute, tzinfo=_VN)


# (code, name, starts, due) — plan §V and §VII.1, §VII.8.
MILESTONES = [
    ("pupil-lists", "Các xã, thị trấn gửi danh sách học sinh cần hỗ trợ", None, _at(22, 17, 0)),
    ("coverage", "Phủ sóng 3G/4G, cáp quang đến 100% thôn, xóm", None, _at(23)),
    ("campaign", "Triển khai chương trình (vận động, tiếp nhận, cấp phát)", _at(22, 0, 0), _at(26)),
    ("report", "Báo cáo kết quả thực hiện Chương trình lên UBND huyện (trước ngày 30/9)", None, _at(29)),
]


def milestones_load() -> int:
    created = 0
    with transaction.atomic():
        for code, name, starts_at, due_at in MILESTONES:
            _milestone, was_created = Milestone.objects.get_or_create(
                code=code, defaults={"name": name, "starts_at": starts_at, "due_at": due_at}
            )
            created += was_created
    return created
