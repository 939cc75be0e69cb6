from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from students.school_import import SCHOOL_COLUMNS, import_school_file


class Command(BaseCommand):
    help = "Import the school list (Mã trường | Tên trường | Cấp học | Xã/Thị trấn); idempotent by code."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s.") % {"file": file})
        with path.open("rb") as handle:
            result = import_school_file(handle, path.name)
        for notice in result.notices:
            self.stdout.write(notice)
        if result.file_error:
            self.stderr.write(result.file_error)
        for error in result.errors:
            item = error.as_dict(SCHOOL_COLUMNS)
            self.stderr.write(_("Row %(row)s, column %(column)s: %(message)s") % item)
        if result.file_error or result.errors:
            self.stderr.write(_("Nothing was saved."))
            raise SystemExit(1)
        self.stdout.write(_("%(created)s schools added, %(updated)s updated.") % vars(result))
