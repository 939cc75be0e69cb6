"""Staff pages of allocation: permissions and scope, the dry run → save flow, settings, commune summary."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from allocation import proposals
from allocation.models import AllocationRun, AllocationSettings, Support
from allocation.views.run import fingerprint
from donations.models import Device, DeviceCondition
from donations.tests.factories import DeviceFactory
from students.models import Student
from students.tests.factories import SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db


def ready_device(kind: str = "tablet", **kwargs) -> Device:
    return DeviceFactory(device_type=kind, status=Device.Status.READY, condition=DeviceCondition.NEW, **kwargs)


def pupil(commune, school=None, **kwargs) -> Student:
    kwargs.setdefault("status", Student.Status.VERIFIED)
    return StudentFactory(commune=commune, school=school or SchoolFactory(commune=commune), **kwargs)


def saved_run(user=None) -> AllocationRun:
    return proposals.run_save(computed=proposals.compute(), user=user)


def build_two_communes(commune_a, commune_b) -> dict:
    """Three verified pupils in A (one hardship), one in B, and two tablets for the district."""
    school_a, school_b = SchoolFactory(commune=commune_a), SchoolFactory(commune=commune_b)
    pupils = {
        "a1": pupil(commune_a, school_a, full_name="Lê Thị Ánh", hardships=["poor"]),
        "a2": pupil(commune_a, school_a, full_name="Trần Văn Bình"),
        "a3": pupil(commune_a, school_a, full_name="Phạm Minh Châu"),
        "b1": pupil(commune_b, school_b, full_name="Đỗ Thu Dung"),
    }
    ready_device()
    ready_device()
    return {"school_a": school_a, "school_b": school_b, **pupils}


@pytest.fixture
def two_communes(commune_a, commune_b):
    return build_two_communes(commune_a, commune_b)


def login(client, user):
    client.force_login(user)
    return client


PAGES = [
    ("allocation:run", []),
    ("allocation:support-list", []),
    ("allocation:settings", []),
    ("allocation:commune-summary", ["09076"]),
    ("allocation:support-detail", [1]),
    ("allocation:support-create", [1]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["allocation:run", "allocation:settings"])
@pytest.mark.parametrize("who", ["commune_a_official", "leadership_user", "accountant_user", "viettel_user"])
def test_only_the_education_office_runs_and_sets_the_allocation(client, request, name, who):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {"action": "dry_run"}).status_code == 403


# --- The run page ------------------------------------------------------------------------------


def test_dry_run_shows_the_totals_and_saves_nothing(client, education_office_user, two_communes):
    login(client, education_office_user)
    response = client.post(reverse("allocation:run"), {"action": "dry_run"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-total="proposed">2<' in html
    assert "Kim Xá" in html and "Vĩnh Tường" in html
    # Who is left out, by name for the office: two tablets for four pupils, the poor pupil served first.
    left_out = {row["student"].full_name for row in response.context["left_out_pupils"]}
    assert len(left_out) == 2 and "Lê Thị Ánh" not in left_out
    assert all(name in html for name in left_out)
    assert response.context["fingerprint"] == fingerprint(proposals.compute())
    assert Support.objects.count() == 0
    assert AllocationRun.objects.count() == 0


def test_the_left_out_list_is_only_for_roles_that_see_pupils(client, education_office_user, two_communes):
    education_office_user.user_permissions.clear()
    for group in education_office_user.groups.all():
        group.permissions.remove(Permission.objects.get(codename="view_student"))
    login(client, education_office_user)
    response = client.post(reverse("allocation:run"), {"action": "dry_run"})
    assert response.status_code == 200
    assert response.context["left_out_pupils"] == []
    assert "Trần Văn Bình" not in response.content.decode()


def test_saving_the_dry_run_that_was_seen_creates_the_proposal(client, education_office_user, two_communes):
    login(client, education_office_user)
    seen = client.post(reverse("allocation:run"), {"action": "dry_run"}).context["fingerprint"]
    response = client.post(reverse("allocation:run"), {"action": "save", "fingerprint": seen}, follow=True)
    run = AllocationRun.objects.get()
    assert run.run_by == education_office_user
    assert Support.objects.filter(run=run, status=Support.Status.PROPOSED).count() == 2
    assert f"#{run.pk}" in response.content.decode()
    assert list(response.context["runs"]) == [run]


def test_save_refuses_when_the_data_changed_since_the_dry_run(client, education_office_user, two_communes, commune_a):
    login(client, education_office_user)
    seen = client.post(reverse("allocation:run"), {"action": "dry_run"}).context["fingerprint"]
    # A pupil with more priority arrives between the dry run and the save.
    pupil(commune_a, full_name="Hoàng Gia Em", hardships=["poor", "merit"])
    response = client.post(reverse("allocation:run"), {"action": "save", "fingerprint": seen})
    assert response.status_code == 200
    assert Support.objects.count() == 0
    assert "thay đổi" in response.content.decode() or "changed" in response.content.decode()
    assert response.context["fingerprint"] != seen


def test_a_forged_or_missing_fingerprint_saves_nothing(client, education_office_user, two_communes):
    login(client, education_office_user)
    client.post(reverse("allocation:run"), {"action": "save"})
    client.post(reverse("allocation:run"), {"action": "save", "fingerprint": "0" * 64})
    assert Support.objects.count() == 0


def test_a_refused_save_is_a_message_not_a_server_error(client, education_office_user, two_communes, monkeypatch):
    def stale(*, computed, user=None):
        raise ValidationError("stale proposal", code="stale_proposal")

    monkeypatch.setattr(proposals, "run_save", stale)
    login(client, education_office_user)
    seen = client.post(reverse("allocation:run"), {"action": "dry_run"}).context["fingerprint"]
    response = client.post(reverse("allocation:run"), {"action": "save", "fingerprint": seen})
    assert response.status_code == 200
    assert "stale proposal" in response.content.decode()


def test_the_run_page_posts_need_a_csrf_token(csrf_client, education_office_user, two_communes):
    csrf_client.force_login(education_office_user)
    assert csrf_client.post(reverse("allocation:run"), {"action": "dry_run"}).status_code == 403


# --- Settings ----------------------------------------------------------------------------------


def settings_data(**overrides) -> dict:
    current = AllocationSettings.current()
    data = {f"need_{k}": v for k, v in current.need_weights.items()}
    data |= {f"hardship_{k}": v for k, v in current.hardship_weights.items()}
    data["extra_hardship_weight"] = current.extra_hardship_weight
    for level, types in current.device_preferences.items():
        for kind in ("desktop", "laptop", "tablet", "smartphone"):
            data[f"rank_{level}_{kind}"] = str(types.index(kind) + 1) if kind in types else ""
    data.update(overrides)
    return data


def test_the_office_changes_weights_and_the_device_table_with_history(client, education_office_user):
    login(client, education_office_user)
    data = settings_data(
        need_both=45,
        hardship_covid_orphan=60,
        rank_upper_secondary_laptop="2",
        rank_upper_secondary_desktop="",
        rank_upper_secondary_tablet="1",
    )
    response = client.post(reverse("allocation:settings"), data)
    assert response.status_code == 302
    current = AllocationSettings.current()
    assert current.need_weights["both"] == 45
    assert current.hardship_weights["covid_orphan"] == 60
    assert current.device_preferences["upper_secondary"] == ["tablet", "laptop"]
    assert current.history.first().history_user == education_office_user


@pytest.mark.parametrize(
    "overrides",
    [
        {"need_both": -1},
        {"hardship_poor": 1001},
        {"extra_hardship_weight": "nhiều"},
        {f"rank_primary_{kind}": "" for kind in ("desktop", "laptop", "tablet", "smartphone")},
        {"rank_primary_tablet": "1", "rank_primary_laptop": "1"},
    ],
)
def test_settings_that_make_no_sense_are_refused(client, education_office_user, overrides):
    before = AllocationSettings.current()
    login(client, education_office_user)
    response = client.post(reverse("allocation:settings"), settings_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    after = AllocationSettings.objects.get(pk=before.pk)
    assert (after.need_weights, after.hardship_weights, after.device_preferences) == (
        before.need_weights,
        before.hardship_weights,
        before.device_preferences,
    )


def test_the_settings_page_labels_every_hardship(client, education_office_user):
    login(client, education_office_user)
    form = client.get(reverse("allocation:settings")).context["form"]
    assert {f"hardship_{key}" for key in AllocationSettings.current().hardship_weights} <= set(form.fields)
    assert "hộ nghèo" in str(form["hardship_poor"].label).lower() or "poor" in str(form["hardship_poor"].label)


# --- Commune summary ---------------------------------------------------------------------------


def test_the_commune_summary_has_counts_and_no_personal_data(
    client, commune_a_official, two_communes, commune_a, education_office_user
):
    saved_run(education_office_user)
    login(client, commune_a_official)
    response = client.get(reverse("allocation:commune-summary", args=[commune_a.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("a1", "a2", "a3"):
        student = two_communes[key]
        assert student.full_name not in html
        assert student.birth_date.strftime("%d/%m/%Y") not in html
    assert two_communes["school_a"].name not in html
    shares = response.context["shares"]
    # Two tablets for four pupils: A's share is 2 (3 of the 4 in need), B's is 0.
    assert (shares["in_need"], shares["device_share"], shares["proposed"]) == (3, 2, 2)
    assert [row["count"] for row in response.context["left_out"]] == [1]
    assert "@media print" in html or 'media="print"' in html


def test_another_communes_summary_is_not_found(client, commune_b_official, commune_a):
    login(client, commune_b_official)
    assert client.get(reverse("allocation:commune-summary", args=[commune_a.code])).status_code == 404


@pytest.mark.parametrize("who", ["education_office_user", "leadership_user"])
def test_district_staff_read_every_communes_summary(client, request, who, commune_a, commune_b):
    login(client, request.getfixturevalue(who))
    for commune in (commune_a, commune_b):
        assert client.get(reverse("allocation:commune-summary", args=[commune.code])).status_code == 200


def test_telecom_staff_do_not_read_allocation_summaries(client, viettel_user, commune_a):
    login(client, viettel_user)
    assert client.get(reverse("allocation:commune-summary", args=[commune_a.code])).status_code == 403


def _menu_urls(client) -> dict[str, str]:
    menu = client.get(reverse("staff-home")).context["staff_menu"]
    return {str(item.label): item.url for group in menu for item in group.items}


def test_navigation_leads_each_role_to_its_allocation_pages(
    client, education_office_user, commune_a_official, leadership_user
):
    login(client, education_office_user)
    nav = _menu_urls(client)
    assert reverse("allocation:run") in nav.values()
    login(client, commune_a_official)
    nav = _menu_urls(client)
    assert reverse("allocation:commune-summary", args=["09076"]) in nav.values()
    assert reverse("allocation:run") not in nav.values()
    login(client, leadership_user)
    nav = _menu_urls(client)
    assert reverse("allocation:support-list") in nav.values()
