"""The 30/9 report as .xlsx, .docx and .pdf, read back with openpyxl, python-docx and pypdf."""

import io
import zipfile
from datetime import date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from allocation.tests.document_text import docx_text, pdf_text
from reports.documents import content_type, filename, render, text
from reports.progress import build_progress_report
from reports.tests.report_data import FORMULA_COMMUNE, FORMULA_PROVIDER, build_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(education_office_user, commune_a, commune_b) -> dict:
    build_district(education_office_user, commune_a, commune_b)
    return build_progress_report()


def _docx(content: bytes):
    return Document(io.BytesIO(content))


def _summary_figures(sheet) -> dict:
    """(group, figure) → the value's cell, from the summary's three columns."""
    figures, group = {}, None
    for row in sheet.iter_rows(min_row=6, max_col=3):
        if row[1].value is None:
            break
        group = row[0].value or group
        figures[(group, row[1].value)] = row[2]
    return figures


# --- names, types, words -------------------------------------------------------------------------


def test_the_files_are_named_after_the_day_the_figures_describe():
    report = {"as_of": "2021-09-30"}
    assert filename(report, "xlsx") == "bao-cao-tien-do-2021-09-30.xlsx"
    assert filename(report, "pdf") == "bao-cao-tien-do-2021-09-30.pdf"
    assert content_type("docx") == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert content_type("pdf") == "application/pdf"
    with pytest.raises(ValueError):
        render(report, "odt")


def test_numbers_money_percentages_and_dates_are_written_the_vietnamese_way():
    assert text.number(1_500_000) == "1.500.000"
    assert text.money(1_500_000) == "1.500.000 đồng"
    assert text.percent(12.5) == "12,5%"
    assert text.percent(60.0) == "60%"
    # Decree 30/2020: a day below 10 and the months January and February take a leading zero.
    assert text.place_and_date({"as_of": "2021-09-05"}) == "Vĩnh Tường, ngày 05 tháng 9 năm 2021"
    assert text.place_and_date({"as_of": "2022-02-14"}) == "Vĩnh Tường, ngày 14 tháng 02 năm 2022"
    assert text.deadline(datetime(2021, 9, 22, 17, 0)) == "17:00 ngày 22/09/2021"
    assert text.deadline(datetime(2021, 9, 26, 23, 59)) == "26/09/2021"


def test_rendering_reads_nothing_from_the_database(report, django_assert_num_queries):
    with django_assert_num_queries(0):
        for fmt in ("xlsx", "docx", "pdf", "json"):
            render(report, fmt)


# --- .xlsx ---------------------------------------------------------------------------------------


def test_the_workbook_has_a_summary_and_an_annex_sheet_per_breakdown(report):
    workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Theo xã, thị trấn",
        "Theo trường",
        "Theo cấp học",
        "Theo nhu cầu",
        "Theo hoàn cảnh",
        "Chưa được hỗ trợ",
        "Ủng hộ",
        "Phủ sóng theo xã",
        "Phủ sóng theo nhà mạng",
        "Các mốc thời gian",
        "Phản ánh",
    ]


def test_the_summary_holds_the_key_figures_as_numbers(report):
    sheet = load_workbook(io.BytesIO(render(report, "xlsx")))["Tổng hợp"]
    assert "BÁO CÁO" in sheet["A1"].value
    assert sheet["A3"].value == "Số liệu cập nhật lúc"
    assert sheet["B3"].value == datetime.fromisoformat(report["generated_at"]).replace(tzinfo=None)
    figures = _summary_figures(sheet)
    students, donations = report["students"], report["donations"]
    assert figures[("Học sinh", "Học sinh có nhu cầu")].value == students["in_need"] == 7
    assert figures[("Kết quả hỗ trợ", "Học sinh đã được hỗ trợ")].value == students["supported"] == 1
    percent = figures[("Kết quả hỗ trợ", "Tỷ lệ đã hỗ trợ (%)")]
    assert percent.value == pytest.approx(students["supported_pct"] / 100)
    assert percent.number_format == "0.0%"
    assert figures[("Tiền (đồng)", "Đăng ký")].value == donations["cash_pledged_vnd"] == 1_500_000
    assert "₫" in figures[("Tiền (đồng)", "Đăng ký")].number_format
    assert figures[("Thiết bị", "Đăng ký")].value == sum(donations["devices_pledged"].values()) == 3
    assert figures[("Hỗ trợ kết nối", "Số suất hỗ trợ")].value == donations["connectivity_capacity"] == 5
    assert len(figures) == 29
    assert all(isinstance(cell.value, int | float) for cell in figures.values())
    milestones = [row for row in sheet.iter_rows(values_only=True) if row[1] in ("Các xã gửi danh sách",)]
    assert milestones and milestones[0][3] == "Trễ hạn"


def test_the_commune_sheet_has_each_communes_figures_in_typed_cells(report):
    sheet = load_workbook(io.BytesIO(render(report, "xlsx")))["Theo xã, thị trấn"]
    header = [cell.value for cell in sheet[5]]
    assert header[:3] == ["STT", "Xã, thị trấn", "Cần hỗ trợ"]
    assert sheet.freeze_panes == "A6"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=6) if row[1].value}
    for commune in report["by_commune"]:
        row = rows[commune["name"]]
        assert row[2].value == commune["in_need"]
        assert isinstance(row[2].value, int)
        assert row[header.index("Đã hỗ trợ")].value == commune["supported"]
    assert rows["Tổng cộng"][2].value == report["students"]["in_need"]


def test_a_name_that_looks_like_a_formula_stays_text(report):
    workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    names = [row[1] for row in workbook["Theo xã, thị trấn"].iter_rows(min_row=6) if row[1].value == FORMULA_COMMUNE]
    assert len(names) == 1 and names[0].data_type == "s"
    providers = [row[0] for row in workbook["Phủ sóng theo nhà mạng"].iter_rows() if row[0].value == FORMULA_PROVIDER]
    assert len(providers) == 1 and providers[0].data_type == "s"
    for sheet in workbook:
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_workbook_has_a_native_bar_chart_of_supported_against_in_need(report):
    with zipfile.ZipFile(io.BytesIO(render(report, "xlsx"))) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = archive.read(charts[0]).decode()
    last = 5 + len(report["by_commune"])
    assert "<barChart>" in chart
    assert f"'Theo xã, thị trấn'!$C$6:$C${last}" in chart  # in need
    assert f"'Theo xã, thị trấn'!$H$6:$H${last}" in chart  # supported
    assert f"'Theo xã, thị trấn'!$B$6:$B${last}" in chart  # the communes' names


# --- .docx ---------------------------------------------------------------------------------------


def test_the_docx_has_the_administrative_header_title_and_signature(report):
    doc = _docx(render(report, "docx"))
    words = docx_text(doc)
    day = date.fromisoformat(report["as_of"])
    for expected in (
        "UBND HUYỆN VĨNH TƯỜNG",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ……/BC-PGDĐT",
        text.place_and_date(report),
        f"ngày {day:%d}",
        "BÁO CÁO",
        "Kết quả thực hiện Chương trình “Sóng và máy tính cho em”",
        "Kính gửi: Ủy ban nhân dân huyện Vĩnh Tường.",
        "Nơi nhận:",
        "TRƯỞNG PHÒNG",
    ):
        assert expected in words, expected
    header = doc.tables[0]
    assert header.style is None or header.style.name != "Table Grid"  # borderless
    assert all(run.italic for run in header.cell(1, 1).paragraphs[0].runs if run.text)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ]
    assert margins == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert "PAGE" in section.header._element.xml


def test_the_docx_body_states_the_figures_of_the_report(report):
    words = docx_text(_docx(render(report, "docx")))
    students = report["students"]
    assert f"Tổng số học sinh cần hỗ trợ theo danh sách: {students['in_need']} em" in words
    assert f"Đã hỗ trợ {students['supported']}/{students['in_need']} em" in words
    assert f"Đã xác minh {students['verified']} em" in words
    assert "Kinh phí đã tiếp nhận: 1.500.000 đồng (tiền ủng hộ 1.500.000 đồng)" in words
    assert "Thiết bị đăng ký ủng hộ: 3 (máy tính xách tay 3)" in words
    assert f"Còn {report['gap']['total']} em chưa được hỗ trợ" in words
    assert "Các xã gửi danh sách (thời hạn" in words and "trễ hạn" in words
    assert "II. NHỮNG NỘI DUNG CẦN TIẾP TỤC THỰC HIỆN" in words


def test_the_docx_annex_has_one_row_per_commune_and_the_total(report):
    doc = _docx(render(report, "docx"))
    annex = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT" and "Danh sách" in t.rows[0].cells[-1].text)
    rows = [[cell.text for cell in row.cells] for row in annex.rows[1:]]
    assert [row[1] for row in rows] == [c["name"] for c in report["by_commune"]] + ["Tổng cộng"]
    assert rows[-1][2] == str(report["students"]["in_need"])
    assert len(doc.sections) == 2 and doc.sections[1].page_width > doc.sections[1].page_height  # landscape annexes


# --- .pdf ----------------------------------------------------------------------------------------


def test_the_pdf_has_the_title_motto_and_key_figures_in_vietnamese(report):
    content = render(report, "pdf")
    assert content.startswith(b"%PDF")
    words = pdf_text(content)
    students = report["students"]
    for expected in (
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "BÁO CÁO",
        text.place_and_date(report),
        f"cần hỗ trợ theo danh sách: {students['in_need']} em",
        "1.500.000 đồng",
        "TRƯỞNG PHÒNG",
        "Phụ lục I",
        "Kim Xá",
    ):
        assert expected in words, expected


# --- as of a day, feedback, hostile names, empty district ----------------------------------------


def test_a_report_as_of_a_past_day_says_so_in_every_document(report):
    past = {**report, "as_of": "2021-09-29", "live": False}
    assert "số liệu tính đến hết ngày 29/09/2021" in docx_text(_docx(render(past, "docx")))
    assert "Vĩnh Tường, ngày 29 tháng 9 năm 2021" in docx_text(_docx(render(past, "docx")))
    assert "số liệu tính đến hết ngày 29/09/2021" in pdf_text(render(past, "pdf")).replace("\n", " ")
    summary = load_workbook(io.BytesIO(render(past, "xlsx")))["Tổng hợp"]
    assert summary["A3"].value == "Số liệu tính đến hết ngày"
    assert summary["B3"].value == datetime(2021, 9, 29)


def test_the_publics_reports_are_included_when_the_report_has_them(report):
    without = {key: value for key, value in report.items() if key != "feedback"}
    assert "Phản ánh" not in load_workbook(io.BytesIO(render(without, "xlsx"))).sheetnames
    with_feedback = {**report, "feedback": {"total": 3, "by_status": {"new": 2, "resolved": 1}}}
    workbook = load_workbook(io.BytesIO(render(with_feedback, "xlsx")))
    assert "Phản ánh" in workbook.sheetnames
    values = [row for row in workbook["Phản ánh"].iter_rows(values_only=True) if row[1] == "Số phản ánh đã tiếp nhận"]
    assert values[0][2] == 3
    assert "Đã tiếp nhận 3 phản ánh." in docx_text(_docx(render(with_feedback, "docx")))
    assert "Đã tiếp nhận 3 phản ánh." in pdf_text(render(with_feedback, "pdf"))


def test_html_and_control_characters_in_names_break_no_file(report):
    odd = {**report, "by_commune": [{**report["by_commune"][0], "name": "<script>alert(1)</script>\x07Xã\x1b"}]}
    words = docx_text(_docx(render(odd, "docx")))
    assert "<script>alert(1)</script> Xã" in words
    assert "<script>alert(1)</script> Xã" in pdf_text(render(odd, "pdf"))
    sheet = load_workbook(io.BytesIO(render(odd, "xlsx")))["Theo xã, thị trấn"]
    assert sheet["B6"].value == "<script>alert(1)</script> Xã"
    school_names = [
        row[1] for row in load_workbook(io.BytesIO(render(report, "xlsx")))["Theo trường"].iter_rows(values_only=True)
    ]
    assert "Trường <b>THCS</b> & Thử" in school_names


def test_an_empty_district_still_makes_every_file(db):
    report = build_progress_report()
    for fmt in ("xlsx", "docx", "pdf"):
        assert render(report, fmt)
    assert "Có 0/0 xã, thị trấn đã gửi danh sách" in docx_text(_docx(render(report, "docx")))


def test_the_words_for_the_gap_and_the_devices_do_not_contradict_the_other_figures(commune_a, viettel):
    """A hamlet Viettel covers, but no provider with places on offer: the engine's "no coverage".
    A device set aside for a proposed support is not yet a device given to a pupil."""
    from allocation.models import AllocationRun, LeftOut, Support
    from reports.tests import world
    from students.models import Student
    from students.tests.factories import HamletFactory, StudentFactory
    from telecom.tests.factories import HamletCoverageFactory

    hamlet = HamletFactory(commune=commune_a)
    HamletCoverageFactory(hamlet=hamlet, provider=viettel, technology="4g")
    pupil = StudentFactory(
        commune=commune_a, hamlet=hamlet, lacks_device=False, lacks_internet=True, status=Student.Status.VERIFIED
    )
    LeftOut.objects.create(run=AllocationRun.objects.create(), student=pupil, need="connectivity", reason="no_coverage")
    proposed = StudentFactory(commune=commune_a, hamlet=hamlet, status=Student.Status.VERIFIED)
    world.support(proposed, Support.Status.PROPOSED, with_device="tablet")

    report = build_progress_report()
    assert report["infrastructure"]["covered"] == report["infrastructure"]["hamlets"] == 1
    assert report["gap"]["by_reason"]["no_coverage"] == 1
    assert sum(report["donations"]["devices_allocated"].values()) == 0
    body = docx_text(render(report, "docx"))
    assert "chưa có sóng" not in body
    assert "không có nhà mạng nào có gói hỗ trợ phủ sóng thôn 1 em" in body
    assert "Thiết bị đã phân bổ cho học sinh (đã duyệt hoặc đã bàn giao): 0." in body
    assert "Tình trạng thiết bị đã tiếp nhận: đã dành cho học sinh, chưa bàn giao 1." in body
