"""The pupil list template a commune downloads, fills in and uploads (DESIGN.md "Pupil list template").

The file is built with openpyxl: a title row with the commune's name, the
canonical headers, drop-down lists fed from a hidden "Danh mục" sheet, and a
sheet of instructions in Vietnamese. The importer reads it back as it is.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from students.models import Commune, School, SchoolLevel
from students.pupil_columns import STUDENT_COLUMNS

# The order of DESIGN.md, exactly the headers the importer looks for first.
HEADERS = [column.header for column in STUDENT_COLUMNS]
GENDERS = ["Nam", "Nữ"]
LEVELS = {
    SchoolLevel.PRIMARY: "Tiểu học",
    SchoolLevel.LOWER_SECONDARY: "THCS",
    SchoolLevel.UPPER_SECONDARY: "THPT",
}
YES_MARK = "x"
HARDSHIPS = [
    "hộ nghèo",
    "hộ cận nghèo",
    "gia đình người có công",
    "bảo trợ xã hội",
    "bố/mẹ mất do COVID-19",
    "mồ côi",
    "khuyết tật",
    "dân tộc thiểu số",
    "khó khăn khác",
]
TITLE_ROWS = 2  # the title and the commune line; the header is the row after
FIRST_DATA_ROW = TITLE_ROWS + 2
# Drop-downs and text formats reach this far; a commune list is far shorter.
LAST_DATA_ROW = 5000
COLUMN_WIDTHS = {
    "STT": 6,
    "Họ và tên": 26,
    "Ngày sinh": 12,
    "Trường": 32,
    "Thôn/Xóm": 16,
    "Họ tên phụ huynh": 24,
    "SĐT phụ huynh": 14,
    "Mã định danh": 15,
    "Mã học sinh": 13,
    "Hoàn cảnh": 30,
}
# Excel turns long digit strings into numbers and drops their leading 0: these columns are text.
TEXT_COLUMNS = ("Mã định danh", "Mã học sinh", "SĐT phụ huynh", "Lớp", "Ngày sinh")

INSTRUCTIONS = [
    "HƯỚNG DẪN ĐIỀN DANH SÁCH HỌC SINH",
    "",
    "1. Mỗi dòng là một học sinh có hoàn cảnh khó khăn, thiếu thiết bị học trực tuyến và/hoặc thiếu Internet.",
    "2. Không đổi tên các cột ở dòng tiêu đề. Có thể bỏ trống cột STT.",
    "3. Họ và tên: viết đầy đủ, có dấu, ví dụ Nguyễn Văn An.",
    "4. Ngày sinh: ngày/tháng/năm, ví dụ 05/09/2012.",
    "5. Giới tính: chọn Nam hoặc Nữ.",
    "6. Mã định danh: số định danh cá nhân 12 chữ số (nếu có). Mã học sinh: mã 10 chữ số của ngành giáo dục (nếu có).",
    "7. Trường: chọn trong danh sách; học sinh học ở trường xã khác thì ghi đúng tên trường đó.",
    "8. Lớp: ví dụ 3A, 7B, 10A1. Cấp học: Tiểu học (lớp 1–5), THCS (lớp 6–9), THPT (lớp 10–12).",
    "9. Thôn/Xóm: chọn trong danh sách hoặc ghi tên thôn, xóm, tổ dân phố.",
    "10. SĐT phụ huynh: số di động 10 chữ số, bắt đầu bằng 0.",
    "11. Thiếu thiết bị, Thiếu Internet: đánh dấu x vào ít nhất một trong hai cột.",
    "12. Hoàn cảnh: chọn trong danh sách; nhiều hoàn cảnh thì ghi cách nhau bằng dấu chấm phẩy (;).",
    "",
    "Khi tải lên, hệ thống kiểm tra từng dòng. Nếu có dòng sai, không dòng nào được lưu: tải tệp có đánh dấu",
    "ô sai (tô đỏ, có ghi chú) về, sửa rồi tải lên lại. Tải lên lại danh sách đã sửa hoặc bổ sung sẽ cập nhật",
    "học sinh đã có, không tạo hồ sơ trùng.",
    "",
    "Danh sách chứa thông tin cá nhân của trẻ em: chỉ dùng cho chương trình, không chia sẻ công khai.",
]

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LIST_SHEET = "Danh mục"


def template_schools(commune: Commune) -> list[School]:
    """The commune's own schools, then every upper-secondary school of the district."""
    own = list(School.objects.filter(commune=commune).order_by("level", "name"))
    upper = School.objects.filter(level=SchoolLevel.UPPER_SECONDARY).exclude(commune=commune).order_by("name")
    return own + list(upper)


def _write_list(sheet, column: int, title: str, values: list[str]) -> str:
    """Write a drop-down's values in a column of the list sheet; return the range formula."""
    sheet.cell(row=1, column=column, value=title).font = Font(bold=True)
    for offset, value in enumerate(values, start=2):
        # Names are text: a hamlet typed as "=…" must not become a live formula.
        sheet.cell(row=offset, column=column, value=value).data_type = "s"
    letter = get_column_letter(column)
    last = max(len(values) + 1, 2)
    return f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${last}"


def _validation(formula: str, *, strict: bool, prompt: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.showDropDown = False  # (sic) False shows the arrow in Excel
    validation.showInputMessage = True
    validation.prompt = prompt
    validation.showErrorMessage = True
    # "warning" lets the user keep a value that is not on the list (another school, a new hamlet).
    validation.errorStyle = "stop" if strict else "warning"
    validation.errorTitle = "Giá trị không có trong danh sách"
    validation.error = "Hãy chọn một giá trị trong danh sách."
    return validation


def student_template(commune: Commune) -> bytes:
    """The .xlsx template for `commune`, with its schools and hamlets in the drop-downs."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách học sinh"
    lists = workbook.create_sheet(LIST_SHEET)
    instructions = workbook.create_sheet("Hướng dẫn")

    last_column = get_column_letter(len(HEADERS))
    sheet["A1"] = "DANH SÁCH HỌC SINH CẦN HỖ TRỢ THIẾT BỊ, INTERNET — SÓNG VÀ MÁY TÍNH CHO EM"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A2"] = f"{commune}, huyện Vĩnh Tường (mã {commune.code})"
    sheet["A2"].font = Font(italic=True)
    sheet.merge_cells(f"A2:{last_column}2")

    header_row = TITLE_ROWS + 1
    for number, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=number, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(number)].width = COLUMN_WIDTHS.get(header, 12)
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=3)

    column_of = {header: get_column_letter(number) for number, header in enumerate(HEADERS, start=1)}
    for header in TEXT_COLUMNS:
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 200):
            sheet[f"{column_of[header]}{row}"].number_format = "@"

    schools = [school.name for school in template_schools(commune)]
    hamlets = list(commune.hamlets.order_by("name").values_list("name", flat=True))
    drop_downs = [
        ("Giới tính", GENDERS, True, "Nam hoặc Nữ"),
        ("Trường", schools, False, "Chọn trường; trường khác thì ghi đúng tên"),
        ("Cấp học", list(LEVELS.values()), True, "Tiểu học, THCS hoặc THPT"),
        ("Thôn/Xóm", hamlets, False, "Chọn thôn/xóm hoặc ghi tên"),
        ("Thiếu thiết bị", [YES_MARK], True, "Đánh dấu x nếu thiếu thiết bị"),
        ("Thiếu Internet", [YES_MARK], True, "Đánh dấu x nếu thiếu Internet"),
        ("Hoàn cảnh", HARDSHIPS, False, "Nhiều hoàn cảnh: cách nhau bằng dấu ;"),
    ]
    for list_column, (header, values, strict, prompt) in enumerate(drop_downs, start=1):
        formula = _write_list(lists, list_column, header, values)
        validation = _validation(formula, strict=strict, prompt=prompt)
        validation.add(f"{column_of[header]}{FIRST_DATA_ROW}:{column_of[header]}{LAST_DATA_ROW}")
        sheet.add_data_validation(validation)
        lists.column_dimensions[get_column_letter(list_column)].width = 30
    lists.sheet_state = "hidden"

    for number, line in enumerate(INSTRUCTIONS, start=1):
        instructions.cell(row=number, column=1, value=line)
    instructions["A1"].font = Font(bold=True, size=13)
    instructions.column_dimensions["A"].width = 110

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
