"""Demo supports: one allocation run, one commune approved, one school's record handed over."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from allocation import proposals, services
from allocation.models import Support
from students.models import School


def allocation_demo_load() -> int:
    office = get_user_model().objects.filter(username="phonggd").first()
    proposals.run_save(computed=proposals.compute(), user=office)
    first = Support.objects.order_by("student__commune__code").select_related("student__commune").first()
    if first is None:
        return 0
    services.supports_approve(supports=Support.objects.filter(student__commune=first.student.commune), user=office)
    school = School.objects.filter(students__supports__status=Support.Status.APPROVED).order_by("code").first()
    if school is not None:
        batch = services.batch_create(school=school, user=office)
        services.batch_hand_over(
            batch_id=batch.pk, handed_over_on=date(2021, 9, 27), received_by="Hiệu trưởng nhà trường", user=office
        )
    return Support.objects.count()
