from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from students.importing import STUDENT_COLUMNS, import_file
from students.models import Commune


class Command(BaseCommand):
    help = "Import a commune's pupil list (.xlsx, .xls, .ods, .csv); nothing is saved when any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commune", required=True, help="the commune's official code, e.g. 09076")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, file, commune, dry_run, **options):
        try:
            commune_obj = Commune.objects.get(code=commune)
        except Commune.DoesNotExist:
            raise CommandError(_("No commune with code %(code)s.") % {"code": commune}) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s.") % {"file": file})
        with path.open("rb") as handle:
            outcome = import_file(handle, path.name, commune_obj, dry_run=dry_run)
        read = outcome.read
        for notice in read.table.notices if read.table else []:
            self.stdout.write(notice)
        if read.file_error:
            self.stderr.write(read.file_error)
        for error in read.errors:
            item = error.as_dict(STUDENT_COLUMNS)
            self.stderr.write(
                _("Row %(row)s, column %(column)s: %(message)s") % {**item, "column": item["column"] or "—"}
            )
        if not outcome.ok:
            self.stderr.write(_("Nothing was saved: %(count)s errors.") % {"count": len(read.errors)})
            raise SystemExit(1)
        saved = outcome.saved
        summary = _(
            "%(rows)s rows; %(created)s added, %(updated)s updated, %(unchanged)s unchanged, "
            "%(held)s held as possible duplicates."
        ) % {"rows": len(read.rows), **vars(saved)}
        self.stdout.write((_("Dry run, nothing saved: ") if dry_run else "") + summary)
