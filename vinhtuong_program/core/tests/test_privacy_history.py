"""Every admin page the accountant and leadership may open (lists, records, history, past versions) names no pupil."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from allocation import services
from allocation.tests.handover_data import school_with_record
from reports.tests.factories import FeedbackFactory
from students.models import GuardianRequest

pytestmark = pytest.mark.django_db

PERSONAL = ("Nguyễn Thị Hương", "Trần Quốc Bảo", "Nguyễn Văn Đức", "Trần Thị Lan", "0912999000", "Em Hương")


@pytest.fixture
def district(education_office_user, commune_a):
    batch, first, second = school_with_record(education_office_user, commune_a, handed_over=True)
    batch.signed_record.save("scan.pdf", ContentFile(b"%PDF-1.4"))
    services.follow_up_record(
        support_id=first.pk,
        checked_on=date(2021, 10, 5),
        result="in_use",
        note="Em Hương dùng tốt",
        user=education_office_user,
    )
    FeedbackFactory(commune=commune_a, student=first.student, reporter_phone="0912999000")
    GuardianRequest.objects.create(
        student=second.student,
        kind="see",
        requester_name="Trần Thị Lan",
        channel="phone",
        received_on=date(2021, 9, 20),
        handled_by=education_office_user,
        outcome="provided",
    )
    return batch


def _admin_pages(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for obj in model_admin.get_queryset(request)[:5]:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            try:
                yield reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            except NoReverseMatch:
                continue
            history = getattr(model, "history", None)
            if history is not None:
                for version in history.filter(id=obj.pk)[:5]:
                    yield reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id]
                    )


@pytest.mark.parametrize("role", ["leadership_user", "accountant_user"])
def test_no_admin_page_of_a_role_without_pupils_records_shows_personal_data(client, request, role, district):
    user = request.getfixturevalue(role)
    client.force_login(user)
    pages = list(_admin_pages(user))
    assert any("allocation/support" in page and "history" in page for page in pages)
    assert any("handoverbatch" in page for page in pages) and any("followup" in page for page in pages)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        for value in PERSONAL:
            assert value not in body, (page, value)
        assert "scan.pdf" not in body and "da-ky" not in body, page


def test_the_office_still_reads_them(client, education_office_user, district):
    client.force_login(education_office_user)
    follow_up = district.supports.first().follow_ups.get()
    body = client.get(reverse("admin:allocation_followup_change", args=[follow_up.pk])).content.decode()
    assert "Em Hương dùng tốt" in body
