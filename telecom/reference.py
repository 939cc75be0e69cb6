"""The telecom providers present in the district."""

from __future__ import annotations

from django.db import transaction

from telecom.models import Provider

PROVIDERS = [
    ("viettel", "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)", "Viettel"),
    ("vnpt", "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT/VinaPhone)", "VNPT/VinaPhone"),
    ("mobifone", "Tổng công ty Viễn thông MobiFone", "MobiFone"),
    ("fpt", "Công ty Cổ phần Viễn thông FPT (FPT Telecom)", "FPT Telecom"),
    ("vietnamobile", "Công ty Cổ phần Viễn thông Di động Vietnamobile", "Vietnamobile"),
]


def providers_load() -> int:
    created = 0
    with transaction.atomic():
        for code, name, short_name in PROVIDERS:
            _provider, was_created = Provider.objects.get_or_create(
                code=code, defaults={"name": name, "short_name": short_name}
            )
            created += was_created
    return created
