import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from students.tests.factories import HamletFactory
from telecom.coverage import CoverageChange, coverage_set, is_late, late_condition
from telecom.models import HamletCoverage
from telecom.tests.factories import HamletCoverageFactory

pytestmark = pytest.mark.django_db


def _url(hamlet, provider):
    return reverse("telecom:coverage-hamlet", args=[hamlet.pk, provider.code])


def _post(client, hamlet, provider, **fields):
    data = {f"{t}_{k}": "" for t in ("3g", "4g", "fibre") for k in ("status", "planned_on", "reason")}
    data.update(fields)
    return client.post(_url(hamlet, provider), data)


def test_a_telecom_user_marks_their_hamlet_4g_available(client, commune_a, viettel, viettel_user):
    hamlet = HamletFactory(commune=commune_a)
    client.force_login(viettel_user)
    response = _post(
        client,
        hamlet,
        viettel,
        **{"4g_status": "available", "fibre_status": "planned", "fibre_planned_on": "22/09/2021"},
    )
    assert response.status_code == 302
    rows = {r.technology: r for r in HamletCoverage.objects.filter(hamlet=hamlet, provider=viettel)}
    assert rows["4g"].status == "available"
    assert rows["fibre"].planned_on == date(2021, 9, 22)
    assert "3g" not in rows  # an empty status leaves a technology unreported
    assert rows["4g"].updated_by == viettel_user
    assert rows["4g"].history.count() == 1


def test_a_viettel_user_cannot_change_vnpts_rows(client, commune_a, viettel_user, vnpt):
    hamlet = HamletFactory(commune=commune_a)
    HamletCoverageFactory(hamlet=hamlet, provider=vnpt, technology="4g", status="planned", planned_on=date(2021, 9, 30))
    client.force_login(viettel_user)
    assert client.get(_url(hamlet, vnpt)).status_code == 404
    assert _post(client, hamlet, vnpt, **{"4g_status": "available"}).status_code == 404
    with pytest.raises(PermissionDenied):
        coverage_set(user=viettel_user, hamlet=hamlet, provider=vnpt, changes=[CoverageChange("4g", "available")])
    row = HamletCoverage.objects.get(hamlet=hamlet, provider=vnpt)
    assert row.status == "planned"


def test_the_education_office_may_correct_any_providers_rows(commune_a, vnpt, education_office_user):
    hamlet = HamletFactory(commune=commune_a)
    coverage_set(user=education_office_user, hamlet=hamlet, provider=vnpt, changes=[CoverageChange("3g", "available")])
    assert HamletCoverage.objects.get(hamlet=hamlet, provider=vnpt).status == "available"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"4g_status": "planned"}, "Cho biết ngày dự kiến"),
        ({"4g_status": "not_possible", "4g_reason": "   "}, "Cho biết lý do"),
        ({"4g_status": "planned", "4g_planned_on": "31/02/2021"}, "ngày hợp lệ"),
        ({"4g_status": "teleport"}, "chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(
    client, commune_a, viettel, viettel_user, fields, message
):
    hamlet = HamletFactory(commune=commune_a)
    client.force_login(viettel_user)
    response = _post(client, hamlet, viettel, **{"3g_status": "available", **fields})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HamletCoverage.objects.exists()


def test_the_database_refuses_a_plan_without_date_and_a_refusal_without_reason(commune_a, viettel):
    from django.db import IntegrityError, transaction

    hamlet = HamletFactory(commune=commune_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        HamletCoverage.objects.create(hamlet=hamlet, provider=viettel, technology="4g", status="planned")
    with pytest.raises(IntegrityError), transaction.atomic():
        HamletCoverage.objects.create(hamlet=hamlet, provider=viettel, technology="4g", status="not_possible")


def test_writing_needs_a_csrf_token(csrf_client, commune_a, viettel, viettel_user):
    hamlet = HamletFactory(commune=commune_a)
    csrf_client.force_login(viettel_user)
    response = csrf_client.post(_url(hamlet, viettel), {"4g_status": "available"})
    assert response.status_code == 403
    assert not HamletCoverage.objects.exists()


@pytest.mark.parametrize(
    ("status", "planned_on", "today", "late"),
    [
        ("available", None, date(2021, 9, 30), False),
        ("planned", date(2021, 9, 23), date(2021, 9, 20), False),
        ("planned", date(2021, 9, 24), date(2021, 9, 20), True),
        ("planned", date(2021, 9, 22), date(2021, 9, 24), True),
        ("not_possible", None, date(2021, 9, 20), True),
        (None, None, date(2021, 9, 22), False),
        (None, None, date(2021, 9, 24), True),
    ],
)
def test_what_is_late_against_the_23_september_deadline(status, planned_on, today, late):
    assert is_late(status, planned_on, today=today) is late


@pytest.mark.parametrize("today", [date(2021, 9, 20), date(2021, 9, 24)])
def test_late_rows_found_in_sql_are_the_ones_is_late_marks(today):
    rows = [
        HamletCoverageFactory(status="available"),
        HamletCoverageFactory(status="planned", planned_on=date(2021, 9, 23)),
        HamletCoverageFactory(status="planned", planned_on=date(2021, 9, 24)),
        HamletCoverageFactory(status="not_possible", reason="Xa quá"),
    ]
    late = set(HamletCoverage.objects.filter(late_condition(today=today)))
    assert late == {row for row in rows if is_late(row.status, row.planned_on, today=today)}
    assert len(late) == (3 if today > date(2021, 9, 23) else 2)


def test_the_matrix_shows_coloured_status_and_what_is_late(client, commune_a, viettel, vnpt, education_office_user):
    hamlet = HamletFactory(commune=commune_a, name="Thôn <b>Đông</b>")
    HamletCoverageFactory(hamlet=hamlet, provider=viettel, technology="4g", status="available")
    HamletCoverageFactory(
        hamlet=hamlet, provider=vnpt, technology="fibre", status="planned", planned_on=date(2021, 10, 5)
    )
    client.force_login(education_office_user)
    body = client.get(reverse("telecom:coverage")).content.decode()
    assert "Thôn &lt;b&gt;Đông&lt;/b&gt;" in body
    assert "cov cov-available" in body
    assert "cov cov-planned cov-late" in body
    assert "05/10" in body


def test_a_telecom_user_sees_their_own_provider_by_default_with_edit_links(
    client, commune_a, viettel, vnpt, viettel_user
):
    hamlet = HamletFactory(commune=commune_a)
    client.force_login(viettel_user)
    body = client.get(reverse("telecom:coverage")).content.decode()
    assert _url(hamlet, viettel) in body
    body = client.get(reverse("telecom:coverage") + "?provider=vnpt").content.decode()
    assert _url(hamlet, vnpt) not in body


def test_the_matrix_query_count_does_not_grow_with_hamlets(
    client, viettel, vnpt, education_office_user, django_assert_max_num_queries
):
    for n in range(40):
        hamlet = HamletFactory()
        HamletCoverageFactory(hamlet=hamlet, provider=viettel if n % 2 else vnpt)
    client.force_login(education_office_user)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("telecom:coverage")).status_code == 200


def test_the_xlsx_export_has_one_row_per_hamlet_with_the_status(client, commune_a, viettel, education_office_user):
    hamlet = HamletFactory(commune=commune_a, name='=HYPERLINK("x")')
    HamletCoverageFactory(hamlet=hamlet, provider=viettel, technology="4g", status="not_possible", reason="Đồi cao")
    client.force_login(education_office_user)
    response = client.get(reverse("telecom:coverage-export") + "?provider=viettel")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Xã, thị trấn", "Thôn/Xóm", "Viettel Di động 3G")
    assert rows[1][1].startswith("'=")  # never a live formula
    assert rows[1][3] == "không thể: Đồi cao"


def test_pages_need_login_and_a_telecom_role(client, commune_a_official):
    url = reverse("telecom:coverage")
    assert client.get(url).status_code == 302
    client.force_login(commune_a_official)
    assert client.get(url).status_code == 403


def test_each_cell_has_its_state_in_words_and_the_fibre_column_is_in_vietnamese(
    client, commune_a, viettel, education_office_user
):
    hamlet = HamletFactory(commune=commune_a)
    HamletCoverageFactory(hamlet=hamlet, provider=viettel, technology="4g", status="not_possible", reason="Núi")
    client.force_login(education_office_user)
    body = client.get(reverse("telecom:coverage")).content.decode()
    assert "FIBRE" not in body and ">Cáp quang</th>" in body
    cells = re.findall(r'<td class="cov cov-(\w+)[^"]*"[^>]*>\s*([^<\s][^<]*?)\s*(?:<|$)', body)
    assert ("not_possible", "không") in cells and ("missing", "chưa báo cáo") in cells
    # The colour reaches the cell: Bootstrap's table background is set per state, not left white.
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text(encoding="utf-8")
    for state in ("available", "planned", "not_possible", "missing"):
        assert f".coverage-matrix td.cov-{state} {{ --bs-table-bg:" in css
