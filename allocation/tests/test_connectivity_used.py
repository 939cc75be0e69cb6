"""Issue 15 item 3: a connectivity place is used once its support is approved or handed over;
places a run only proposed are counted apart, on staff pages, the report and the public page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from allocation import proposals, services
from allocation.models import Support
from allocation.tests.district import build_district
from reports.progress import build_progress_report
from reports.public import public_figures
from reports.snapshot import Snapshot
from telecom.selectors import connectivity_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(commune_a, commune_b, viettel):
    return build_district(commune_a, commune_b, viettel)


def _places() -> tuple[int, int, int]:
    donations = build_progress_report()["donations"]
    live = connectivity_figures()
    as_of_today = build_progress_report(Snapshot(timezone.localdate()))["donations"]
    figures = (donations["connectivity_capacity"], donations["connectivity_used"], donations["connectivity_proposed"])
    assert figures == (live["connectivity_capacity"], live["connectivity_used"], live["connectivity_proposed"])
    public = public_figures()["donations"]
    assert (public["connectivity_used"], public["connectivity_proposed"]) == figures[1:]
    assert (as_of_today["connectivity_used"], as_of_today["connectivity_proposed"]) == figures[1:]
    return figures


def test_proposed_places_are_not_used_until_approved(district, education_office_user, client):
    run = proposals.run_save(computed=proposals.compute(), user=education_office_user)
    # The run proposes places to a1 and a2 (capacity 2): held, but nobody approved them.
    assert _places() == (2, 0, 2)
    by_provider = build_progress_report()["donations"]["connectivity_by_provider"]
    assert [(row["used"], row["proposed"]) for row in by_provider] == [(0, 2)]

    services.supports_approve(supports=run.supports.filter(student=district.a1), user=education_office_user)
    assert _places() == (2, 1, 1)
    services.supports_approve(supports=Support.objects.all(), user=education_office_user)
    assert _places() == (2, 2, 0)


def test_the_pages_show_proposed_places_apart(district, education_office_user, client):
    proposals.run_save(computed=proposals.compute(), user=education_office_user)
    cache.clear()
    public = client.get("/cong-khai/").content.decode()
    assert 'data-figure="connectivity_proposed"' in public
    client.force_login(education_office_user)
    report = client.get(reverse("reports:progress")).content.decode()
    assert 'data-figure="connectivity_used">0<' in report
    assert 'data-figure="connectivity_proposed">2<' in report
