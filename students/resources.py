"""Exports of the pupil list through django-import-export (staff page and admin)."""

from __future__ import annotations

from import_export import fields, resources

from students.models import Hardship, Student

# A cell starting with one of these is a formula to Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe, as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _yes(value: bool) -> str:
    return "x" if value else ""


class StudentResource(resources.ModelResource):
    """Headers as in the template a commune fills in, so an export reads like the lists they know."""

    commune = fields.Field(attribute="commune__name", column_name="Xã/Thị trấn")
    full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
    birth_date = fields.Field(column_name="Ngày sinh")
    gender = fields.Field(column_name="Giới tính")
    personal_id = fields.Field(attribute="personal_id", column_name="Mã định danh")
    pupil_id = fields.Field(attribute="pupil_id", column_name="Mã học sinh")
    school = fields.Field(attribute="school__name", column_name="Trường")
    class_name = fields.Field(attribute="class_name", column_name="Lớp")
    level = fields.Field(column_name="Cấp học")
    hamlet = fields.Field(attribute="hamlet__name", column_name="Thôn/Xóm")
    guardian_name = fields.Field(attribute="guardian_name", column_name="Họ tên phụ huynh")
    guardian_phone = fields.Field(attribute="guardian_phone", column_name="SĐT phụ huynh")
    lacks_device = fields.Field(column_name="Thiếu thiết bị")
    lacks_internet = fields.Field(column_name="Thiếu Internet")
    hardships = fields.Field(column_name="Hoàn cảnh")
    status = fields.Field(column_name="Trạng thái")

    class Meta:
        model = Student
        fields = (
            "commune",
            "full_name",
            "birth_date",
            "gender",
            "personal_id",
            "pupil_id",
            "school",
            "class_name",
            "level",
            "hamlet",
            "guardian_name",
            "guardian_phone",
            "lacks_device",
            "lacks_internet",
            "hardships",
            "status",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("commune", "school", "hamlet")

    def dehydrate_birth_date(self, student: Student) -> str:
        return student.birth_date.strftime("%d/%m/%Y")

    def dehydrate_gender(self, student: Student) -> str:
        return {Student.Gender.MALE: "Nam", Student.Gender.FEMALE: "Nữ"}.get(student.gender, "")

    def dehydrate_level(self, student: Student) -> str:
        return str(student.get_level_display())

    def dehydrate_lacks_device(self, student: Student) -> str:
        return _yes(student.lacks_device)

    def dehydrate_lacks_internet(self, student: Student) -> str:
        return _yes(student.lacks_internet)

    def dehydrate_hardships(self, student: Student) -> str:
        labels = dict(Hardship.choices)
        return "; ".join(str(labels.get(code, code)) for code in student.hardships)

    def dehydrate_status(self, student: Student) -> str:
        return str(student.get_status_display())

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))
