from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from students.import_limits import errors_summarised
from students.importing import HEADERS, STUDENT_COLUMNS, import_file
from students.models import Commune
from students.process_limits import limit_memory


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
        limit_memory(settings.WORKER_MEMORY_LIMIT_MB)
        try:
            with path.open("rb") as handle:
                outcome = import_file(handle, path.name, commune_obj, dry_run=dry_run)
        except MemoryError:
            self.stderr.write(_("The file needs more memory than an import may use; nothing was saved."))
            raise SystemExit(1) from None
        read = outcome.read
        for notice in read.table.notices if read.table else []:
            self.stdout.write(notice)
        if read.file_error:
            self.stderr.write(read.file_error)
        kept = [e.as_dict(STUDENT_COLUMNS) for e in read.errors]
        for line in errors_summarised(kept, read.errors.summary(HEADERS)):
            self.stderr.write(line)
        if not outcome.ok:
            if read.errors:
                self.stderr.write(_("Nothing was saved: %(count)s errors.") % {"count": len(read.errors)})
            else:
                self.stderr.write(_("Nothing was saved: the file could not be read."))
            raise SystemExit(1)
        saved = outcome.saved
        summary = _(
            "%(rows)s rows; %(created)s added, %(updated)s updated, %(unchanged)s unchanged, "
            "%(held)s held as possible duplicates."
        ) % {"rows": len(read.rows), **vars(saved)}
        self.stdout.write((_("Dry run, nothing saved: ") if dry_run else "") + summary)
