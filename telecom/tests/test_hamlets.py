import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from students.models import Hamlet
from students.tests.factories import HamletFactory, StudentFactory
from telecom.hamlets import hamlet_merge
from telecom.models import HamletCoverage
from telecom.tests.factories import HamletCoverageFactory

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH THÔN, XÓM"])
    sheet.append(["STT", "Xã/Thị trấn", "Thôn/Xóm"])
    for n, (commune, hamlet) in enumerate(rows, start=1):
        sheet.append([n, commune, hamlet])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("thon.xlsx", buffer.getvalue())


def test_the_office_imports_hamlets_by_commune_name_or_code_idempotently(
    client, commune_a, commune_b, education_office_user
):
    HamletFactory(commune=commune_a, name="Thôn Đông")
    client.force_login(education_office_user)
    rows = [("Thị trấn Vĩnh Tường", "thôn đông"), (commune_b.code, "Xóm  Mới"), ("Kim Xá", "Xóm mới")]
    response = client.post(reverse("telecom:hamlet-import"), {"file": _xlsx(rows)})
    assert response.status_code == 302
    assert sorted(Hamlet.objects.values_list("name", flat=True)) == ["Thôn Đông", "Xóm Mới"]
    client.post(reverse("telecom:hamlet-import"), {"file": _xlsx(rows)})
    assert Hamlet.objects.count() == 2


def test_one_wrong_row_saves_nothing(client, commune_a, education_office_user):
    client.force_login(education_office_user)
    rows = [("Vĩnh Tường", "Thôn Mới"), ("Xã Không Có", "Thôn Lạ"), ("Vĩnh Tường", "")]
    response = client.post(reverse("telecom:hamlet-import"), {"file": _xlsx(rows)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Xã Không Có" in body and "Thiếu tên thôn" in body
    assert not Hamlet.objects.exists()


def test_a_commune_official_imports_only_into_their_commune(client, commune_a, commune_b, commune_a_official):
    client.force_login(commune_a_official)
    response = client.post(reverse("telecom:hamlet-import"), {"file": _xlsx([("Kim Xá", "Thôn Lạ")])})
    assert response.status_code == 400
    assert not Hamlet.objects.exists()


def test_telecom_staff_cannot_import_or_merge_hamlets(client, commune_a, viettel_user):
    a, b = HamletFactory(commune=commune_a), HamletFactory(commune=commune_a)
    client.force_login(viettel_user)
    assert client.get(reverse("telecom:hamlets")).status_code == 200
    assert client.post(reverse("telecom:hamlet-import"), {"file": _xlsx([("Vĩnh Tường", "X")])}).status_code == 403
    assert client.post(reverse("telecom:hamlet-merge"), {"source": a.pk, "target": b.pk}).status_code == 403


def test_merging_moves_pupils_and_coverage_and_keeps_the_better_report(commune_a, viettel, vnpt, education_office_user):
    source, target = (
        HamletFactory(commune=commune_a, name="Xóm Đông"),
        HamletFactory(commune=commune_a, name="Thôn Đông"),
    )
    pupils = [StudentFactory(commune=commune_a, hamlet=source) for _ in range(3)]
    HamletCoverageFactory(hamlet=source, provider=viettel, technology="4g", status="available")
    HamletCoverageFactory(
        hamlet=target, provider=viettel, technology="4g", status="planned", planned_on=date(2021, 9, 30)
    )
    HamletCoverageFactory(hamlet=source, provider=vnpt, technology="fibre", status="not_possible", reason="Xa")
    HamletCoverageFactory(
        hamlet=target, provider=vnpt, technology="fibre", status="planned", planned_on=date(2021, 9, 22)
    )
    HamletCoverageFactory(hamlet=source, provider=vnpt, technology="3g", status="available")
    moved = hamlet_merge(user=education_office_user, source_id=source.pk, target_id=target.pk)
    assert moved == {"pupils": 3, "coverage": 1}
    assert not Hamlet.objects.filter(pk=source.pk).exists()
    assert {p.hamlet_id for p in type(pupils[0]).objects.filter(pk__in=[p.pk for p in pupils])} == {target.pk}
    rows = {(r.provider_id, r.technology): r.status for r in HamletCoverage.objects.filter(hamlet=target)}
    assert rows == {(viettel.pk, "4g"): "available", (vnpt.pk, "fibre"): "planned", (vnpt.pk, "3g"): "available"}
    assert pupils[0].history.first().history_change_reason.startswith("Thôn được gộp vào")


def test_hamlets_of_two_communes_are_not_merged(client, commune_a, commune_b, education_office_user):
    a, b = HamletFactory(commune=commune_a), HamletFactory(commune=commune_b)
    StudentFactory(commune=commune_a, hamlet=a)
    client.force_login(education_office_user)
    response = client.post(reverse("telecom:hamlet-merge"), {"source": a.pk, "target": b.pk})
    assert response.status_code == 400
    assert "cùng một xã" in response.content.decode()
    assert Hamlet.objects.count() == 2


def test_a_commune_official_merges_only_their_own_hamlets(client, commune_a, commune_b, commune_a_official):
    own, other_a, other_b = (
        HamletFactory(commune=commune_a),
        HamletFactory(commune=commune_b),
        HamletFactory(commune=commune_b),
    )
    client.force_login(commune_a_official)
    response = client.post(reverse("telecom:hamlet-merge"), {"source": other_a.pk, "target": other_b.pk})
    assert response.status_code == 400
    assert Hamlet.objects.count() == 3
    with pytest.raises(Hamlet.DoesNotExist):
        hamlet_merge(user=commune_a_official, source_id=other_a.pk, target_id=own.pk)
