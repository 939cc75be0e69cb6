"""The columns of a commune's pupil list and one cleaner per kind of column.

A cleaner turns one cell into a model value and the messages of what is wrong
with it. The categorical columns (school, class, level, gender, yes-marks,
hardships, hamlet, guardian) repeat on most rows of a list, so their cleaners
are remembered per import, by the cell as read (type and value): a 100,000-row
list cleans a few hundred distinct cells, not 1.5 million. Names are remembered
too, up to a bound; IDs and phone numbers, which do not repeat, are not.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from common.name_case import person_name, place_name, typed_note
from common.parsers import parse_date, parse_yes
from common.phones import parse_phone
from common.spreadsheets.table import CellError, Column, Row, clean_cell
from common.text import clean_text, fold, fold_category
from students import pupils
from students.models import Hardship, School, SchoolLevel, Student

STUDENT_COLUMNS = [
    Column("stt", "STT", ("tt", "so tt", "so thu tu")),
    Column("full_name", "Họ và tên", ("ho ten", "ho ten hoc sinh", "ho va ten hoc sinh", "ten hoc sinh"), True),
    Column("birth_date", "Ngày sinh", ("ngay thang nam sinh", "ngay/thang/nam sinh", "sinh ngay"), True),
    Column("gender", "Giới tính", ("gioi", "nam/nu")),
    Column("personal_id", "Mã định danh", ("ma dinh danh ca nhan", "so dinh danh", "so dinh danh ca nhan", "ma ddcn")),
    Column("pupil_id", "Mã học sinh", ("ma hs", "ma so hoc sinh", "ma dinh danh hoc sinh")),
    Column("school", "Trường", ("truong hoc", "ten truong", "hoc truong"), True),
    Column("class_name", "Lớp", ("lop hoc",), True),
    Column("level", "Cấp học", ("cap",)),
    Column("hamlet", "Thôn/Xóm", ("thon", "xom", "thon xom", "thon/xom/to dan pho", "to dan pho", "thon/to dan pho")),
    Column("guardian_name", "Họ tên phụ huynh", ("ho va ten phu huynh", "phu huynh", "ten phu huynh", "cha me")),
    Column(
        "guardian_phone", "SĐT phụ huynh", ("so dien thoai phu huynh", "dien thoai phu huynh", "so dien thoai", "sdt")
    ),
    Column("lacks_device", "Thiếu thiết bị", ("khong co thiet bi", "chua co thiet bi", "can thiet bi"), True),
    Column(
        "lacks_internet",
        "Thiếu Internet",
        ("khong co internet", "chua co internet", "thieu mang", "can internet"),
        True,
    ),
    Column("hardships", "Hoàn cảnh", ("hoan canh gia dinh", "dien", "doi tuong")),
]

HEADERS = {c.key: c.header for c in STUDENT_COLUMNS}
GENDERS = {
    "nam": Student.Gender.MALE,
    "m": Student.Gender.MALE,
    "nu": Student.Gender.FEMALE,
    "f": Student.Gender.FEMALE,
}
LEVELS = {
    "tieu hoc": SchoolLevel.PRIMARY,
    "th": SchoolLevel.PRIMARY,
    "primary": SchoolLevel.PRIMARY,
    "trung hoc co so": SchoolLevel.LOWER_SECONDARY,
    "thcs": SchoolLevel.LOWER_SECONDARY,
    "lower_secondary": SchoolLevel.LOWER_SECONDARY,
    "trung hoc pho thong": SchoolLevel.UPPER_SECONDARY,
    "thpt": SchoolLevel.UPPER_SECONDARY,
    "upper_secondary": SchoolLevel.UPPER_SECONDARY,
}
HARDSHIPS = {
    "ho ngheo": Hardship.POOR,
    "ngheo": Hardship.POOR,
    "ho can ngheo": Hardship.NEAR_POOR,
    "can ngheo": Hardship.NEAR_POOR,
    "gia dinh nguoi co cong": Hardship.MERIT,
    "nguoi co cong": Hardship.MERIT,
    "con nguoi co cong": Hardship.MERIT,
    "bao tro xa hoi": Hardship.SOCIAL_PROTECTION,
    "bo/me mat do covid-19": Hardship.COVID_ORPHAN,
    "bo/me mat do covid": Hardship.COVID_ORPHAN,
    "bo me mat do covid-19": Hardship.COVID_ORPHAN,
    "cha/me mat do covid-19": Hardship.COVID_ORPHAN,
    "mo coi": Hardship.ORPHAN,
    "khuyet tat": Hardship.DISABILITY,
    "dan toc thieu so": Hardship.ETHNIC_MINORITY,
    "kho khan khac": Hardship.OTHER,
    "kho khan": Hardship.OTHER,
}
HARDSHIP_LABELS = "hộ nghèo; hộ cận nghèo; gia đình người có công; bảo trợ xã hội; bố/mẹ mất do COVID-19; mồ côi; khuyết tật; dân tộc thiểu số; khó khăn khác"  # noqa: E501
_SCHOOL_PREFIXES = (
    ("truong ", ""),
    ("pt dtnt ", "pho thong dan toc noi tru "),
    ("thpt ", "trung hoc pho thong "),
    ("thcs ", "trung hoc co so "),
    ("th&thcs ", "tieu hoc va trung hoc co so "),
    ("th ", "tieu hoc "),
)


@lru_cache(maxsize=4096)
def school_key(name: str) -> str:
    """'Trường TH Hoà Bình', 'tiểu học Hòa Bình' → 'tieu hoc hoa binh'."""
    key = fold(name)
    changed = True
    while changed:
        changed = False
        for prefix, replacement in _SCHOOL_PREFIXES:
            if key.startswith(prefix):
                key = replacement + key[len(prefix) :]
                changed = replacement == ""
                break
    return key


class SchoolDirectory:
    """The district's schools by folded name and code, with a closest-name suggestion."""

    def __init__(self, schools: Iterable[School]):
        self.by_key: dict[str, School] = {}
        for school in schools:
            self.by_key.setdefault(school_key(school.name), school)
            self.by_key.setdefault(fold(school.code), school)

    def find(self, name: str) -> School | None:
        return self.by_key.get(school_key(name))

    def suggestion(self, name: str) -> str:
        close = difflib.get_close_matches(school_key(name), self.by_key, n=1, cutoff=0.6)
        return self.by_key[close[0]].name if close else ""


# ---------------------------------------------------------------- cleaners
# Each takes a cell as `spreadsheets.Row.values` gives it (cleaned text or None, whole floats as int)
# and returns (value, [(column key, message), …]).

Problems = list[tuple[str, str]]


def text_of(value: Any) -> str:
    """clean_text of a cell value that is clean already when it is text."""
    if value is None:
        return ""
    return value if value.__class__ is str else clean_text(value)


def clean_birth_date(value: Any) -> tuple[date | None, Problems]:
    if value is None:
        return None, [("birth_date", _("The birth date is missing."))]
    try:
        return parse_date(value), []
    except ValueError as exc:
        return None, [("birth_date", str(exc))]


def clean_code(value: Any, key: str, parse: Callable[[Any], str]) -> tuple[str, Problems]:
    """An identifier or a phone number: '' when the cell is empty."""
    if value is None:
        return "", []
    try:
        return parse(value), []
    except ValueError as exc:
        return "", [(key, str(exc))]


def clean_gender(value: Any) -> tuple[str, Problems]:
    if value is None:
        return "", []
    gender = GENDERS.get(fold_category(value), "")
    return gender, [] if gender else [("gender", _("Write Nam or Nữ."))]


def clean_school(value: Any, schools: SchoolDirectory) -> tuple[School | None, Problems]:
    name = text_of(value)
    if not name:
        return None, [("school", _("The school is missing."))]
    school = schools.find(name)
    if school is not None:
        return school, []
    hint = schools.suggestion(name)
    message = (
        _("No school “%(name)s” in the district. Did you mean “%(hint)s”?") % {"name": name, "hint": hint}
        if hint
        else _("No school “%(name)s” in the district.") % {"name": name}
    )
    return None, [("school", message)]


def clean_class(value: Any) -> tuple[tuple[str, int | None], Problems]:
    """((class name, grade), problems)."""
    class_name = text_of(value).upper().replace(" ", "")
    try:
        return pupils.clean_class(class_name), []
    except ValueError as exc:
        return (class_name, None), [("class_name", str(exc))]


def clean_level(value: Any, school: School | None, grade: int | None) -> tuple[str, Problems]:
    """The school level: as written, else the school's, else the grade's; checked against both."""
    problems: Problems = []
    level: str | None = None
    if value is not None:
        level = LEVELS.get(fold_category(value))
        if level is None:
            problems.append(("level", _("Write Tiểu học, THCS or THPT.")))
    elif school is not None:
        level = school.level
    if level is None and grade is not None:
        level = next(lv for lv, grades in pupils.GRADES.items() if grade in grades)
    if message := pupils.grade_error(grade, level or ""):
        problems.append(("class_name", message))
    if level and school and school.level != level:
        problems.append(
            (
                "level",
                _("%(school)s is a %(school_level)s school, not %(level)s.")
                % {
                    "school": school.name,
                    "school_level": school.get_level_display(),
                    "level": SchoolLevel(level).label,
                },
            )
        )
    return level or "", problems


def clean_yes(value: Any, key: str) -> tuple[bool, Problems]:
    try:
        return parse_yes(value), []
    except ValueError as exc:
        return False, [(key, str(exc))]


def clean_hardships(value: Any) -> tuple[list[str], Problems]:
    hardships: list[str] = []
    problems: Problems = []
    for part in re.split(r"[;,\n]+", text_of(value)):
        part = fold_category(part).strip(" .")
        if not part:
            continue
        code = HARDSHIPS.get(part)
        if code is None:
            problems.append(
                (
                    "hardships",
                    _("“%(value)s” is not a known hardship; use: %(known)s.")
                    % {"value": part, "known": HARDSHIP_LABELS},
                )
            )
        elif code not in hardships:
            hardships.append(code)
    return hardships, problems


def clean_hamlet(value: Any) -> tuple[str, Problems]:
    hamlet = place_name(text_of(value))
    return hamlet, [("hamlet", _("At most 100 characters."))] if len(hamlet) > 100 else []


def clean_person(value: Any, key: str, required: bool) -> tuple[tuple[str, str], Problems]:
    """((the name in Vietnamese case, the name as typed), problems)."""
    typed = text_of(value)
    try:
        return (pupils.clean_name(typed, required=required), typed), []
    except ValueError as exc:
        return (person_name(typed), typed), [(key, str(exc))]


def clean_pupil_name(value: Any) -> tuple[tuple[str, str, str], Problems]:
    """((the name in Vietnamese case, as typed, its key for matching), problems)."""
    (name, typed), problems = clean_person(value, "full_name", True)
    return (name, typed, pupils.name_key(name)), problems


class Remembered:
    """A cleaner remembered by the cell as read (its type and value) and its other arguments,
    up to `size` distinct ones. The results are shared between rows: callers never change them."""

    def __init__(self, cleaner: Callable[..., tuple[Any, Problems]], size: int = 20_000):
        self.cleaner = cleaner
        self.size = size
        self.known: dict[Any, tuple[Any, Problems]] = {}

    def __call__(self, cell: Any, *args: Any) -> tuple[Any, Problems]:
        # A text cell is its own key (no tuple to build, 10 calls a row); other values keep their type
        # in the key, since 1, 1.0 and True are equal keys to a dict. A str never equals a tuple.
        key: Any = cell if cell.__class__ is str and not args else (cell.__class__, cell, *args)
        found = self.known.get(key)
        if found is None:
            found = self.cleaner(clean_cell(cell), *args)
            if len(self.known) < self.size:
                self.known[key] = found
        return found


def _once(cleaner: Callable[..., tuple[Any, Problems]]) -> Callable[..., tuple[Any, Problems]]:
    """A cleaner of cells that rarely repeat (names, IDs, phones), on the cell as read."""
    return lambda cell, *args: cleaner(clean_cell(cell), *args)


# ---------------------------------------------------------------- a row


@dataclass(slots=True)
class PupilRow:
    """One valid row, ready to save; values shared between rows (a class, a school level) are one object."""

    number: int
    full_name: str
    name_key: str
    birth_date: date
    gender: str
    personal_id: str
    pupil_id: str
    school_id: int
    class_name: str
    level: str
    guardian_name: str
    guardian_phone: str
    lacks_device: bool
    lacks_internet: bool
    hardships: list[str]
    hamlet_name: str = ""
    # Names stored in another case than typed, as typed: the reason of the pupil's history row.
    typed_note: str = ""
    hamlet_id: int | None = None

    @property
    def natural_key(self) -> tuple[str, date, int]:
        return (self.name_key, self.birth_date, self.school_id)


class RowValidator:
    """Turns one spreadsheet row into a PupilRow, collecting every error in the order of the columns' checks."""

    def __init__(self, schools: SchoolDirectory):
        self.schools = schools
        self.birth_date = Remembered(clean_birth_date)
        self.gender = Remembered(clean_gender)
        self.school = Remembered(lambda value: clean_school(value, schools))
        self.class_name = Remembered(clean_class)
        self.level = Remembered(clean_level)
        self.yes = Remembered(clean_yes)
        self.hardships = Remembered(clean_hardships)
        self.hamlet = Remembered(clean_hamlet)
        self.guardian = Remembered(clean_person, size=5000)
        # Names repeat less than categories, but a district's lists share many ("Nguyễn Văn An").
        self.pupil_name = Remembered(clean_pupil_name)
        self.code = _once(clean_code)
        self._labels: dict[str, str] | None = None

    def validate(self, row: Row, errors: list[CellError]) -> PupilRow | None:
        cells, positions = row.cells, row.positions
        count = len(cells)
        raw = {key: cells[i] if i < count else None for key, i in positions.items()}
        get = raw.get
        (name, typed_name, name_key), problems = self.pupil_name(get("full_name"))
        problems = list(problems)
        birth_date, found = self.birth_date(get("birth_date"))
        problems += found
        gender, found = self.gender(get("gender"))
        problems += found
        personal_id, found = self.code(get("personal_id"), "personal_id", pupils.clean_personal_id)
        problems += found
        pupil_id, found = self.code(get("pupil_id"), "pupil_id", pupils.clean_pupil_id)
        problems += found
        school, found = self.school(get("school"))
        problems += found
        (class_name, grade), found = self.class_name(get("class_name"))
        problems += found
        level, found = self.level(get("level"), school, grade)
        problems += found
        if message := pupils.birth_error(birth_date, grade):
            problems.append(("birth_date", message))
        if not pupils.id_fits_birth_date(personal_id, birth_date):
            problems.append(("personal_id", _("The personal ID does not match the birth year.")))
        (guardian, typed_guardian), found = self.guardian(get("guardian_name"), "guardian_name", False)
        problems += found
        phone, found = self.code(get("guardian_phone"), "guardian_phone", parse_phone)
        problems += found
        lacks_device, found = self.yes(get("lacks_device"), "lacks_device")
        problems += found
        lacks_internet, found = self.yes(get("lacks_internet"), "lacks_internet")
        problems += found
        if not (lacks_device or lacks_internet or problems):
            problems.append(("lacks_device", _("Mark at least one need: no device or no Internet.")))
        hardships, found = self.hardships(get("hardships"))
        problems += found
        hamlet, found = self.hamlet(get("hamlet"))
        problems += found
        if problems:
            errors += [CellError(row.number, key, message) for key, message in problems]
            return None
        note = ""
        if typed_name != name or typed_guardian != guardian:
            labels = self._field_labels()
            note = typed_note(
                {labels["full_name"]: (typed_name, name), labels["guardian_name"]: (typed_guardian, guardian)}
            )
        return PupilRow(
            row.number, name, name_key, birth_date, gender, personal_id, pupil_id, school.pk,
            class_name, level, guardian, phone, lacks_device, lacks_internet, hardships, hamlet, note,
        )  # fmt: skip

    def _field_labels(self) -> dict[str, str]:
        if self._labels is None:
            fields = {key: Student._meta.get_field(key) for key in ("full_name", "guardian_name")}
            self._labels = {key: str(capfirst(f.verbose_name)) for key, f in fields.items()}  # type: ignore[union-attr]
        return self._labels
