"""Importing a commune's pupil list (issue 3), on one generated file:

(a) the raw python-calamine read, (b) django-import-export's default per-row
import into Student, (c) our complete import (read, normalise, validate,
de-duplicate, save with history) at 10k and 100k rows, and (c) again with
1,000,000 pupils already in the district.

Sizes: BENCH_PUPIL_ROWS (100000), BENCH_EXISTING (1000000), BENCH_IE_ROWS
(rows given to django-import-export; default all). Generated files are kept in
bench/results/ between runs.
"""

from __future__ import annotations

import io
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from common.text import fold
from students.importing import import_file
from students.models import Commune, School, SchoolLevel, Student
from students.pupil_columns import STUDENT_COLUMNS

RESULTS = Path(__file__).parent / "results"
FAMILY = ["Nguyễn"] * 8 + ["Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Quang", "Hữu", "Thanh", "Gia", "Bảo", "Khánh", "Hoài"]
GIVEN = ["An", "Anh", "Bình", "Châu", "Chi", "Cường", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa",
         "Hùng", "Huy", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phong",
         "Phúc", "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tú", "Tuấn", "Vân", "Việt", "Vy",
         "Yến"]  # fmt: skip
HEADERS = [column.header for column in STUDENT_COLUMNS]
LEVEL_NAMES = {
    SchoolLevel.PRIMARY: "Tiểu học",
    SchoolLevel.LOWER_SECONDARY: "THCS",
    SchoolLevel.UPPER_SECONDARY: "THPT",
}
GRADES = {SchoolLevel.PRIMARY: (1, 5), SchoolLevel.LOWER_SECONDARY: (6, 9), SchoolLevel.UPPER_SECONDARY: (10, 12)}


def _schools() -> list[School]:
    schools = []
    for commune in Commune.objects.all():
        for level, prefix in ((SchoolLevel.PRIMARY, "Tiểu học"), (SchoolLevel.LOWER_SECONDARY, "THCS")):
            schools.append(
                School(
                    code=f"B{commune.code}{level[0]}",
                    name=f"Trường {prefix} {commune.name}",
                    level=level,
                    commune=commune,
                )
            )
    first = Commune.objects.first()
    schools += [
        School(code=f"BTHPT{n}", name=f"Trường THPT Số {n}", level=SchoolLevel.UPPER_SECONDARY, commune=first)
        for n in range(1, 7)
    ]
    School.objects.bulk_create(schools)
    return list(School.objects.all())


def _pupils(count: int, schools: list[School], seed: int, id_offset: int):
    """Plausible pupils, unique by name + birth date + school within one list."""
    rng = random.Random(seed)
    seen = set()
    n = 0
    while n < count:
        school = rng.choice(schools)
        grade = rng.randint(*GRADES[school.level])
        birth = date(2021 - 5 - grade, 1, 1) + timedelta(days=rng.randrange(365))
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if (name, birth, school.pk) in seen:
            continue
        seen.add((name, birth, school.pk))
        n += 1
        number = id_offset + n
        # The upload's IDs follow the real pattern; existing pupils (id_offset) get another province's.
        sex = "2" if rng.random() < 0.5 else "3"
        real = f"026{sex}{birth.year % 100:02d}{number:06d}" if not id_offset else f"027{number:09d}"
        personal_id = real if rng.random() < 0.7 else ""
        pupil_id = f"26{number:08d}" if rng.random() < 0.5 else ""
        lacks_device = rng.random() < 0.7
        yield {
            "name": name, "birth": birth, "school": school, "grade": grade, "personal_id": personal_id,
            "pupil_id": pupil_id, "lacks_device": lacks_device,
            "lacks_internet": not lacks_device or rng.random() < 0.4,
            "phone": f"09{rng.randrange(10**8):08d}", "hamlet": f"Thôn {rng.randint(1, 12)}",
        }  # fmt: skip


def _write_list(path: Path, count: int, schools: list[School]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH HỌC SINH THIẾU THIẾT BỊ, INTERNET"])
    sheet.append(HEADERS)
    for n, p in enumerate(_pupils(count, schools, seed=count, id_offset=0), start=1):
        sheet.append([
            n, p["name"], p["birth"], "Nam", p["personal_id"], p["pupil_id"], p["school"].name, f"{p['grade']}A",
            LEVEL_NAMES[p["school"].level], p["hamlet"], "Nguyễn Văn Phụ", p["phone"],
            "x" if p["lacks_device"] else "", "x" if p["lacks_internet"] else "", "hộ nghèo",
        ])  # fmt: skip
    path.parent.mkdir(exist_ok=True)
    workbook.save(path)


def _list_file(count: int, schools: list[School]) -> Path:
    path = RESULTS / f"pupils_{count}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        _write_list(path, count, schools)
        print(f"  (generated {path.name} in {time.perf_counter() - started:.0f} s)", flush=True)
    return path


def _existing(count: int, schools: list[School], communes: list[Commune]) -> None:
    """`count` pupils already listed by the other communes (no history: only the table matters here)."""
    batch = []
    for n, p in enumerate(_pupils(count, schools, seed=7, id_offset=5_000_000)):
        batch.append(
            Student(
                commune=communes[n % len(communes)], school=p["school"], full_name=p["name"], name_key=fold(p["name"]),
                birth_date=p["birth"], personal_id=p["personal_id"], pupil_id=p["pupil_id"],
                class_name=f"{p['grade']}A",
                level=p["school"].level, lacks_device=p["lacks_device"], lacks_internet=p["lacks_internet"],
            )
        )  # fmt: skip
        if len(batch) == 10_000:
            Student.objects.bulk_create(batch)
            batch = []
    Student.objects.bulk_create(batch)


def _import_export(path: Path, commune: Commune, rows: int) -> int:
    """django-import-export's default import: one resource, per-row saves."""
    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    class StudentResource(resources.ModelResource):
        full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
        birth_date = fields.Field(attribute="birth_date", column_name="Ngày sinh", widget=widgets.DateWidget())
        personal_id = fields.Field(attribute="personal_id", column_name="Mã định danh")
        pupil_id = fields.Field(attribute="pupil_id", column_name="Mã học sinh")
        school = fields.Field(attribute="school", column_name="Trường", widget=widgets.ForeignKeyWidget(School, "name"))
        class_name = fields.Field(attribute="class_name", column_name="Lớp")
        guardian_phone = fields.Field(attribute="guardian_phone", column_name="SĐT phụ huynh")
        lacks_device = fields.Field(
            attribute="lacks_device", column_name="Thiếu thiết bị", widget=widgets.BooleanWidget()
        )
        lacks_internet = fields.Field(
            attribute="lacks_internet", column_name="Thiếu Internet", widget=widgets.BooleanWidget()
        )

        class Meta:
            model = Student
            fields = ("full_name", "birth_date", "personal_id", "pupil_id", "school", "class_name", "guardian_phone",
                      "lacks_device", "lacks_internet")  # fmt: skip
            import_id_fields = ()

        def before_save_instance(self, instance, row, **kwargs):
            instance.commune = commune
            instance.level = instance.school.level

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    headers = grid[1]
    keep = [headers.index(h) for h in ("Họ và tên", "Ngày sinh", "Mã định danh", "Mã học sinh", "Trường", "Lớp",
                                       "SĐT phụ huynh", "Thiếu thiết bị", "Thiếu Internet")]  # fmt: skip
    dataset = tablib.Dataset(headers=[headers[i] for i in keep])
    for cells in grid[2 : 2 + rows]:
        values = [cells[i] for i in keep]
        values[-2:] = ["1" if v == "x" else "0" for v in values[-2:]]
        dataset.append(values)
    result = StudentResource().import_data(dataset, raise_errors=True)
    return result.totals.get("new", 0)


def run(figures) -> None:
    rows = int(os.environ.get("BENCH_PUPIL_ROWS", "100000"))
    existing = int(os.environ.get("BENCH_EXISTING", "1000000"))
    ie_rows = int(os.environ.get("BENCH_IE_ROWS", str(rows)))
    call_command("load_reference_data", stdout=io.StringIO())
    schools = _schools()
    communes = list(Commune.objects.all())
    uploader, others = communes[0], communes[1:]
    path = _list_file(rows, schools)
    small = _list_file(min(10_000, rows), schools)

    from python_calamine import CalamineWorkbook

    for memory in (False, True):
        with figures.measure(f"(a) raw calamine read, {rows} rows" + (", memory" if memory else ""), rows=rows,
                             memory=memory):  # fmt: skip
            CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    with transaction.atomic():
        started = time.perf_counter()
        with figures.measure(f"(b) django-import-export default import, {ie_rows} rows", rows=ie_rows, memory=False):
            created = _import_export(path, uploader, ie_rows)
        ie_per_row = (time.perf_counter() - started) / ie_rows
        transaction.set_rollback(True)
    assert created == ie_rows, created

    def ours(label: str, file: Path, count: int, *, memory: bool) -> float:
        with transaction.atomic():
            started = time.perf_counter()
            with figures.measure(label, rows=count, memory=memory), file.open("rb") as handle:
                outcome = import_file(handle, file.name, uploader)
            seconds = time.perf_counter() - started
            assert outcome.ok, (outcome.read.file_error, outcome.read.errors[:3])
            transaction.set_rollback(True)
        return seconds

    ours(f"(c) our import, {small.stem.split('_')[1]} rows", small, min(10_000, rows), memory=False)
    ours_s = ours(f"(c) our import, {rows} rows", path, rows, memory=False)
    # Per row, so a smaller BENCH_IE_ROWS (import-export takes minutes per 10,000 rows) still compares.
    ratio = ie_per_row / (ours_s / rows)
    figures.add("(b)/(c) import-export's time per row over ours", ratio, "×")
    figures.text(
        [f"  {'met' if ratio >= 30 else 'NOT MET'}: ours ≥ 30× faster than django-import-export ({ratio:.1f}×)"]
    )
    print(f"  import-export {ie_per_row * 1000:.2f} ms/row, ours {ours_s / rows * 1000:.3f} ms/row: {ratio:.1f}×; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    ours(f"(c) our import, {rows} rows, memory", path, rows, memory=True)

    started = time.perf_counter()
    _existing(existing, schools, others)
    print(f"  (inserted {existing} existing pupils in {time.perf_counter() - started:.0f} s)", flush=True)
    ours(f"(c) our import, {rows} rows against {existing} existing", path, rows, memory=False)
