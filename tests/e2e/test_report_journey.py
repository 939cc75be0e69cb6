"""The district leadership reads the 30/9 progress report in the browser and downloads every format.

The leadership logs in, opens the report from the menu, reads the figures and the charts, then
downloads the Word, PDF, Excel and JSON files and each is read back; then the figures as they
stood at the end of a past day, from history. No pupil's name appears anywhere on the way.
"""

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from allocation.tests.document_text import docx_text, pdf_text
from reports.reference import milestones_load
from reports.tests import world
from reports.tests.history_dates import move_history_to
from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    assert info.value.suggested_filename.startswith("bao-cao-tien-do-")
    return info.value.path().read_bytes()


def test_leadership_reads_the_report_and_downloads_every_format(
    page, leadership_user, commune_a, commune_b, viettel, vnpt
):
    district = world.build(commune_a, commune_b, viettel, vnpt)
    milestones_load()
    names = [pupil.full_name for pupil in district.pupils.values()]

    log_in(page, "lanhdao", PASSWORD)
    page.get_by_role("link", name="Báo cáo tiến độ").click()
    expect(page.get_by_role("heading", name="Báo cáo tiến độ")).to_be_visible()
    body = page.locator("main")
    expect(body).to_contain_text("đã được hỗ trợ (27,3%)")
    expect(body).to_contain_text("15.000.000 ₫")
    expect(page.locator("svg[aria-labelledby^=chart-communes]")).to_be_visible()
    expect(page.locator("svg[aria-labelledby^=chart-gap]")).to_contain_text("Nghi trùng, chưa quyết định")
    text = body.inner_text()
    assert not [name for name in names if name in text]

    words = docx_text(Document(io.BytesIO(_download(page, "Word (.docx)"))))
    assert "BÁO CÁO" in words and "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words
    assert "Tổng số học sinh cần hỗ trợ theo danh sách: 11 em" in words

    pdf = pdf_text(_download(page, "PDF"))
    assert "BÁO CÁO" in pdf and "Vĩnh Tường" in pdf

    workbook = load_workbook(io.BytesIO(_download(page, "Excel (.xlsx)")))
    assert workbook.sheetnames[0] == "Tổng hợp"
    communes = [row[1] for row in workbook["Theo xã, thị trấn"].iter_rows(values_only=True)]
    assert commune_a.name in communes and commune_b.name in communes

    report = json.loads(_download(page, "JSON"))
    assert (report["students"]["in_need"], report["students"]["supported"]) == (11, 3)
    for document in (words, pdf, json.dumps(report, ensure_ascii=False)):
        assert not [name for name in names if name in document]

    # Everything recorded so far happened on 24/09/2021; the day before, nothing existed yet.
    move_history_to(datetime(2021, 9, 24, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    page.get_by_label("Số liệu tính đến hết ngày").fill("23/09/2021")
    page.get_by_role("button", name="Xem").click()
    expect(body).to_contain_text("Số liệu tính đến hết ngày 23/09/2021")
    past = json.loads(_download(page, "JSON"))
    assert (past["as_of"], past["students"]["in_need"]) == ("2021-09-23", 0)
    page.get_by_label("Số liệu tính đến hết ngày").fill("24/09/2021")
    page.get_by_role("button", name="Xem").click()
    assert json.loads(_download(page, "JSON"))["students"]["supported"] == 3
