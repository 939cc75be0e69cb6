"""Pupil lists as communes really send them: every format, every mess, all or nothing."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from students.importing import import_file
from students.models import DuplicateCandidate, Hamlet, SchoolLevel, Student, StudentUpload
from students.tests.factories import HamletFactory, SchoolFactory, StudentFactory
from students.tests.spreadsheet_files import BUILDERS, HEADERS, csv_bytes, grid, pupil_row, xlsx
from students.upload_processing import annotated_file, process_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


def run(commune, data: bytes, name: str = "ds.xlsx", **kwargs):
    return import_file(io.BytesIO(data), name, commune, **kwargs)


def errors_of(outcome) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in outcome.read.errors]


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods", "csv"])
def test_every_format_imports_the_same_pupils(fmt, commune_a, school):
    rows = [pupil_row(1), pupil_row(2, **{"Ngày sinh": "3/9/2013", "Thiếu Internet": "x"})]
    outcome = run(commune_a, BUILDERS[fmt](grid(rows)), f"ds.{fmt}")

    assert outcome.ok, errors_of(outcome)
    pupils = Student.objects.order_by("full_name")
    assert [p.full_name for p in pupils] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert pupils[1].birth_date == date(2013, 9, 3)
    assert pupils[1].lacks_internet and pupils[0].lacks_device and not pupils[0].lacks_internet
    assert pupils[0].school == school and pupils[0].level == SchoolLevel.PRIMARY
    assert pupils[0].hardships == ["poor"] and pupils[0].guardian_phone == "0912345678"
    assert pupils[0].source_row == 2 and pupils[0].name_key == "nguyen van an"
    assert pupils[0].history.count() == 1


def test_csv_with_a_byte_order_mark_and_semicolons(commune_a, school):
    outcome = run(commune_a, csv_bytes(grid([pupil_row()]), bom=True, delimiter=";"), "ds.csv")
    assert outcome.ok, errors_of(outcome)
    assert Student.objects.get().full_name == "Nguyễn Văn An"


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_real_commune_sheet_with_titles_totals_signatures_and_blank_rows(fmt, commune_a, school):
    title = [["UBND XÃ VĨNH TƯỜNG"], ["DANH SÁCH HỌC SINH THIẾU THIẾT BỊ HỌC TRỰC TUYẾN"], []]
    # Columns reordered, upper case, without diacritics, an extra blank column.
    headers = ["stt", "HO VA TEN", "", "Truong", "Lop", "ngay sinh", "THIEU THIET BI", "thieu internet", "Thon/xom"]
    rows = [
        {
            "stt": 1,
            "HO VA TEN": "Trần Thị Bình",
            "Truong": "TH Thử",
            "Lop": "2B",
            "ngay sinh": "01-02-2014",
            "THIEU THIET BI": "có",
            "Thon/xom": "Thôn Đông",
        },
        {},
        {
            "stt": 2,
            "HO VA TEN": "Lê Văn Cường",
            "Truong": "tiểu học thử",
            "Lop": "5a",
            "ngay sinh": "1-2-2011",
            "thieu internet": "TRUE",
        },
    ]
    cells = grid(rows, headers, title)
    cells += [["Tổng cộng", "2 học sinh"], [], ["", "Người lập biểu", "", "Chủ tịch UBND xã"], ["", "Nguyễn Văn Lập"]]
    merge = "A1:I1" if fmt == "xlsx" else None
    data = BUILDERS[fmt](cells, merge) if merge else BUILDERS[fmt](cells)

    outcome = run(commune_a, data, f"ds.{fmt}")

    assert outcome.ok, errors_of(outcome)
    assert sorted(Student.objects.values_list("full_name", "class_name")) == [
        ("Lê Văn Cường", "5A"),
        ("Trần Thị Bình", "2B"),
    ]
    assert Student.objects.get(full_name="Lê Văn Cường").source_row == 7


def test_excel_dates_numbers_and_marks_are_read_as_people_meant(commune_a, school):
    rows = [
        # Excel date cell, IDs stored as numbers (leading zero of the personal ID dropped), phone without its 0.
        pupil_row(
            1,
            **{
                "Ngày sinh": datetime(2012, 5, 17),
                "Mã định danh": 26212345678,
                "Mã học sinh": 2600012345,
                "SĐT phụ huynh": 912345678,
                "Thiếu thiết bị": 1,
            },
        ),
        pupil_row(
            2,
            **{
                "Ngày sinh": "17/5/2012",
                "Mã định danh": 26212345679.0,
                "SĐT phụ huynh": "+84 98 765 4321",
                "Thiếu thiết bị": True,
                "Thiếu Internet": "X",
            },
        ),
        pupil_row(3, **{"Ngày sinh": "7-5-2012", "SĐT phụ huynh": "091.234.5678", "Thiếu thiết bị": "Có"}),
    ]
    outcome = run(commune_a, xlsx(grid(rows)))

    assert outcome.ok, errors_of(outcome)
    first, second, third = Student.objects.order_by("source_row")
    assert (first.personal_id, first.pupil_id, first.guardian_phone) == ("026212345678", "2600012345", "0912345678")
    assert first.birth_date == date(2012, 5, 17) and first.lacks_device
    assert (second.personal_id, second.guardian_phone) == ("026212345679", "0987654321")
    assert second.lacks_internet
    assert (third.birth_date, third.guardian_phone) == (date(2012, 5, 7), "0912345678")


def test_text_is_normalised_and_schools_match_however_they_are_written(commune_a):
    school = SchoolFactory(commune=commune_a, name="Trường Tiểu học Hoà Bình", level=SchoolLevel.PRIMARY)
    decomposed = unicodedata.normalize("NFD", "Phạm  Thị   Hoà")
    rows = [
        pupil_row(1, **{"Họ và tên": decomposed, "Trường": "TH Hòa Bình"}),
        pupil_row(2, **{"Trường": "tiểu học hoà bình"}),
        pupil_row(3, **{"Trường": "TRƯỜNG TIỂU HỌC HÒA BÌNH"}),
    ]
    outcome = run(commune_a, xlsx(grid(rows)))

    assert outcome.ok, errors_of(outcome)
    assert set(Student.objects.values_list("school", flat=True)) == {school.pk}
    assert Student.objects.get(source_row=2).full_name == "Phạm Thị Hoà"
    assert unicodedata.is_normalized("NFC", Student.objects.get(source_row=2).full_name)


def test_unknown_hamlets_are_created_and_known_ones_matched_without_accents(commune_a, school):
    known = HamletFactory(commune=commune_a, name="Thôn Đông")
    rows = [pupil_row(1, **{"Thôn/Xóm": "thon dong"}), pupil_row(2, **{"Thôn/Xóm": "Xóm Mới"})]
    outcome = run(commune_a, xlsx(grid(rows)))

    assert outcome.ok, errors_of(outcome)
    assert Student.objects.get(source_row=2).hamlet == known
    assert Hamlet.objects.get(name="Xóm Mới").commune == commune_a


def test_every_wrong_row_is_reported_at_once_and_nothing_is_saved(commune_a, school):
    rows = [
        pupil_row(1),
        pupil_row(2, **{"Họ và tên": "", "Ngày sinh": "31/02/2012"}),
        pupil_row(3, **{"Trường": "Tiểu học Thửa", "SĐT phụ huynh": "12345"}),
        pupil_row(4, **{"Ngày sinh": "17/05/2001"}),
        pupil_row(5, **{"Lớp": "7A"}),
        pupil_row(6, **{"Mã học sinh": "12345678901", "Mã định danh": "1.2e+11"}),
        pupil_row(7, **{"Thiếu thiết bị": "", "Thiếu Internet": "không"}),
        pupil_row(1, STT=8),
        pupil_row(9, **{"Hoàn cảnh": "giàu có"}),
    ]
    outcome = run(commune_a, xlsx(grid(rows)))

    assert not outcome.ok
    found = errors_of(outcome)
    by_row = {}
    for row, column, message in found:
        by_row.setdefault(row, []).append((column, message))
    assert {c for c, _ in by_row[3]} == {"full_name", "birth_date"}
    assert "31/02/2012" in dict(by_row[3])["birth_date"]
    assert "Trường Tiểu học Thử" in dict(by_row[4])["school"]  # the closest name is suggested
    assert "guardian_phone" in dict(by_row[4])
    assert "2001" in dict(by_row[5])["birth_date"]
    assert "class_name" in dict(by_row[6])  # grade 7 is not primary
    assert {"pupil_id", "personal_id"} <= set(dict(by_row[7]))
    assert "Excel" in dict(by_row[7])["personal_id"]
    assert "lacks_device" in dict(by_row[8])
    assert 9 not in by_row  # the same name, birth date and school as row 2: held as a pair, not refused
    assert "giau co" in dict(by_row[10])["hardships"]
    assert 2 not in by_row
    assert not Student.objects.exists()
    assert not Hamlet.objects.exists()


def test_a_reupload_updates_the_same_pupils_and_says_what_changed(commune_a, school):
    first = [pupil_row(1, **{"Mã định danh": "026212345678"}), pupil_row(2)]
    assert run(commune_a, xlsx(grid(first))).ok
    Student.objects.filter(source_row=2).update(status=Student.Status.VERIFIED)
    again = [
        pupil_row(1, **{"Mã định danh": "026212345678", "Họ và tên": "Nguyễn Văn Ấn", "Lớp": "3B"}),
        pupil_row(2, **{"Thiếu Internet": "x"}),
        pupil_row(3),
    ]
    outcome = run(commune_a, xlsx(grid(again)))

    assert outcome.ok, errors_of(outcome)
    saved = outcome.saved
    assert (saved.created, saved.updated, saved.unchanged, saved.held) == (1, 2, 0, 0)
    assert Student.objects.count() == 3
    renamed = Student.objects.get(personal_id="026212345678")
    assert (renamed.full_name, renamed.class_name) == ("Nguyễn Văn Ấn", "3B")
    # Changed data needs a new verification.
    assert Student.objects.get(full_name="Trần Thị Bình").status == Student.Status.LISTED
    changed = {c["row"]: c["fields"] for c in saved.changes}
    assert set(changed) == {2, 3}
    assert renamed.history.count() == 2


def test_a_record_moved_to_another_commune_while_the_list_is_saved_is_still_compared(commune_a, commune_b, school):
    from students.importing import assign_hamlets, read_rows
    from students.matching import DistrictIndex
    from students.pupil_columns import SchoolDirectory
    from students.pupil_updates import SaveResult, existing_update

    assert run(commune_a, xlsx(grid([pupil_row(1), pupil_row(2)]))).ok
    read = read_rows(io.BytesIO(xlsx(grid([pupil_row(1, **{"Lớp": "3B"}), pupil_row(2)]))), "ds.xlsx",
                     SchoolDirectory([school]))  # fmt: skip
    assign_hamlets(commune_a, read.rows)  # as save_rows does before matching
    index = DistrictIndex.load(commune_a.pk, read.rows)
    row_of_record = {index.own_record(row): row for row in read.rows}
    moved = index.own_record(read.rows[0])
    Student.objects.filter(pk=moved).update(commune=commune_b)  # by staff, after the index was read

    result = SaveResult()
    existing_update(row_of_record, index, result)

    assert (result.updated, result.unchanged) == (1, 1)
    assert Student.objects.get(pk=moved).class_name == "3B"


def test_the_same_file_twice_changes_nothing(commune_a, school):
    data = xlsx(grid([pupil_row(1), pupil_row(2)]))
    assert run(commune_a, data).ok
    outcome = run(commune_a, data)
    assert (outcome.saved.created, outcome.saved.unchanged) == (0, 2)
    assert Student.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"Mã định danh": "026212345678"}, DuplicateCandidate.Reason.PERSONAL_ID),
        ({"Mã học sinh": "2600012345"}, DuplicateCandidate.Reason.PUPIL_ID),
        ({}, DuplicateCandidate.Reason.NAME_BIRTH_DATE),
    ],
)
def test_a_pupil_another_commune_listed_is_held_as_a_possible_duplicate(
    commune_a, commune_b, school, overrides, reason, commune_a_official
):
    school_b = SchoolFactory(commune=commune_b, name="Trường THCS Khác", level=SchoolLevel.LOWER_SECONDARY)
    first = StudentFactory(
        commune=commune_b,
        school=school_b,
        full_name="Nguyễn Văn An",
        name_key="nguyen van an",
        birth_date=date(2012, 5, 17),
        personal_id=overrides.get("Mã định danh", ""),
        pupil_id=overrides.get("Mã học sinh", ""),
        status=Student.Status.VERIFIED,
    )
    outcome = run(commune_a, xlsx(grid([pupil_row(1, **overrides)])), user=commune_a_official)

    assert outcome.ok, errors_of(outcome)
    assert outcome.saved.held == 1
    held = Student.objects.get(commune=commune_a)
    assert held.status == Student.Status.HELD
    pair = DuplicateCandidate.objects.get()
    assert (pair.existing, pair.candidate, pair.reason) == (first, held, reason)
    # Recorded in history like every business row (the report reads pairs as of a past day).
    assert pair.history.filter(history_type="+").get().history_user == commune_a_official
    assert pair.decision == DuplicateCandidate.Decision.PENDING and pair.note == ""
    first.refresh_from_db()
    assert first.status == Student.Status.VERIFIED


def test_a_typo_in_the_name_is_caught_as_a_similar_name(commune_a, commune_b, school):
    StudentFactory(
        commune=commune_b, full_name="Nguyễn Văn Anh", name_key="nguyen van anh", birth_date=date(2012, 5, 17)
    )
    outcome = run(
        commune_a,
        xlsx(grid([pupil_row(1, **{"Họ và tên": "Nguyễn Văn Ánh"}), pupil_row(2, **{"Họ và tên": "Nguyen Vn Anh"})])),
    )
    assert outcome.ok, errors_of(outcome)
    assert outcome.saved.held == 2
    assert set(DuplicateCandidate.objects.values_list("reason", flat=True)) == {"name_birth_date", "similar_name"}


def test_different_ids_mean_different_pupils_even_with_the_same_name(commune_a, commune_b, school):
    StudentFactory(
        commune=commune_b,
        full_name="Nguyễn Văn An",
        name_key="nguyen van an",
        birth_date=date(2012, 5, 17),
        personal_id="026212000001",
    )
    outcome = run(commune_a, xlsx(grid([pupil_row(1, **{"Mã định danh": "026212000002"})])))
    assert outcome.ok and outcome.saved.held == 0
    assert Student.objects.get(commune=commune_a).status == Student.Status.LISTED


def test_dry_run_counts_but_saves_nothing(commune_a, school):
    outcome = run(commune_a, xlsx(grid([pupil_row(1)])), dry_run=True)
    assert outcome.ok and outcome.saved.created == 1
    assert not Student.objects.exists()


def test_process_upload_records_errors_and_returns_the_annotated_file(commune_a, school, commune_a_official):
    from django.core.files.base import ContentFile

    data = xlsx(grid([pupil_row(1), pupil_row(2, **{"SĐT phụ huynh": "abc"})], title_rows=[["DANH SÁCH"]]))
    upload = StudentUpload.objects.create(commune=commune_a, uploaded_by=commune_a_official, original_name="ds.xlsx")
    upload.original_file.save("ds.xlsx", ContentFile(data))

    upload = process_upload(upload.pk)

    assert upload.status == StudentUpload.Status.INVALID
    assert upload.error_count == 1 and upload.rows_total == 2
    assert upload.errors == [{"row": 4, "column": "SĐT phụ huynh", "message": upload.errors[0]["message"]}]
    assert not Student.objects.exists()
    sheet = load_workbook(io.BytesIO(annotated_file(upload))).active
    column = HEADERS.index("SĐT phụ huynh") + 1
    wrong = sheet.cell(row=4, column=column)
    assert wrong.value == "abc" and wrong.comment is not None and wrong.fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=3, column=column).comment is None
    assert sheet.cell(row=1, column=1).value == "DANH SÁCH"


def test_process_upload_imports_a_good_file(commune_a, school, commune_a_official):
    from django.core.files.base import ContentFile

    upload = StudentUpload.objects.create(commune=commune_a, uploaded_by=commune_a_official, original_name="ds.csv")
    upload.original_file.save("ds.csv", ContentFile(csv_bytes(grid([pupil_row(1), pupil_row(2)]))))

    upload = process_upload(upload.pk)

    assert upload.status == StudentUpload.Status.IMPORTED
    assert (upload.created_count, upload.rows_done, upload.error_count) == (2, 2, 0)
    assert set(upload.students.values_list("source_row", flat=True)) == {2, 3}
    assert Student.history.filter(history_user=commune_a_official).count() == 2


def test_a_reupload_that_adds_an_id_updates_the_pupil(commune_a, school):
    assert run(commune_a, xlsx(grid([pupil_row(1)]))).ok
    outcome = run(commune_a, xlsx(grid([pupil_row(1, **{"Mã định danh": "026212345678", "Mã học sinh": 2600000001})])))
    assert outcome.ok and outcome.saved.updated == 1
    assert set(outcome.saved.changes[0]["fields"]) == {"mã định danh cá nhân", "mã học sinh"}
    assert Student.objects.get().personal_id == "026212345678"


def test_a_reupload_after_a_same_pupil_decision_lists_nobody_again(commune_a, commune_b, school):
    from students import review

    data = xlsx(grid([pupil_row(1)]))
    assert run(commune_b, data).ok
    assert run(commune_a, data).saved.held == 1
    pair = DuplicateCandidate.objects.get()
    review.pair_decide(pair_id=pair.pk, decision=DuplicateCandidate.Decision.SAME, user=None)

    again = run(commune_a, data)
    assert again.ok and (again.saved.created, again.saved.held, again.saved.unchanged) == (0, 0, 1)
    assert Student.objects.count() == 2 and DuplicateCandidate.objects.count() == 1


def test_a_reupload_giving_a_pupil_another_records_id_holds_it_as_a_pair(commune_a, commune_b, school):
    other = StudentFactory(commune=commune_b, full_name="Lê Thị Khác", personal_id="026212345678")
    assert run(commune_a, xlsx(grid([pupil_row(1)]))).ok
    outcome = run(commune_a, xlsx(grid([pupil_row(1, **{"Mã định danh": "026212345678"})])))
    assert outcome.ok and outcome.saved.held == 1
    mine = Student.objects.get(commune=commune_a)
    assert (mine.status, mine.personal_id) == ("held", "026212345678")
    pair = DuplicateCandidate.objects.get()
    assert pair.existing == other and pair.history.count() == 1
    # The same file again records no second pair.
    assert run(commune_a, xlsx(grid([pupil_row(1, **{"Mã định danh": "026212345678"})]))).ok
    assert DuplicateCandidate.objects.count() == 1


def test_the_annotated_copy_keeps_text_exactly_as_typed(commune_a, school, commune_a_official):
    from django.core.files.base import ContentFile

    rows = [pupil_row(1, **{"SĐT phụ huynh": "+84912345678", "Họ và tên": "=1+1"})]
    upload = StudentUpload.objects.create(commune=commune_a, uploaded_by=commune_a_official, original_name="d.csv")
    upload.original_file.save("d.csv", ContentFile(csv_bytes(grid(rows))))
    upload = process_upload(upload.pk)
    sheet = load_workbook(io.BytesIO(annotated_file(upload))).active
    assert sheet.cell(row=2, column=HEADERS.index("SĐT phụ huynh") + 1).value == "+84912345678"
    name = sheet.cell(row=2, column=HEADERS.index("Họ và tên") + 1)
    assert (name.value, name.data_type) == ("=1+1", "s")


def test_control_characters_never_reach_the_database(commune_a, school):
    rows = [pupil_row(1, **{"Thôn/Xóm": "Thôn\x01Đông", "Lớp": "3A\x02"})]
    outcome = run(commune_a, csv_bytes(grid(rows)), "d.csv")
    assert outcome.ok, errors_of(outcome)
    assert Hamlet.objects.get().name == "Thôn Đông"


def test_a_broken_csv_is_a_message_not_a_crash(commune_a, school):
    data = csv_bytes(grid([pupil_row(1)])) + b'"' + b"x" * 200_000
    outcome = run(commune_a, data, "d.csv")
    assert "CSV" in outcome.read.file_error and not Student.objects.exists()
