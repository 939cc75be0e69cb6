"""The pupil list's marked-up copy: the sheet back with the wrong cells in red (common.spreadsheets.marked_up)."""

from __future__ import annotations

from common.spreadsheets.marked_up import marked_up_workbook


def upload_marked_up_save(upload, read) -> None:
    """Keep the marked-up copy of an upload with errors, for the uploader to download."""
    from django.core.files.base import ContentFile

    from common.spreadsheets.reader import read_table
    from students.pupil_columns import HEADERS, STUDENT_COLUMNS

    # The reading let each row go once checked: the sheet is read again, as the user sent it.
    with upload.original_file.open("rb") as file:
        table = read_table(file, upload.original_name, STUDENT_COLUMNS)
    content = marked_up_workbook(table, STUDENT_COLUMNS, list(read.errors), read.errors.summary(HEADERS))
    upload.annotated_file.save(f"{upload.pk}-can-sua.xlsx", ContentFile(content), save=False)
    type(upload).objects.filter(pk=upload.pk).update(annotated_file=upload.annotated_file.name)
