import getpass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.process_limits import limit_memory
from common.spreadsheets.import_limits import errors_summarised
from students.importing import import_file
from students.lists import upload_open
from students.models import Commune, StudentUpload
from students.pupil_columns import HEADERS, STUDENT_COLUMNS
from students.upload_processing import upload_outcome_record
from students.upload_recovery import upload_fail


def _system_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return ""


class Command(BaseCommand):
    help = "Import a commune's pupil list (.xlsx, .xls, .ods, .csv); nothing is saved when any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commune", required=True, help="the commune's official code, e.g. 09076")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
        parser.add_argument(
            "--user", default="", help="the application user recorded as importing it (default: the system account)"
        )

    def handle(self, *args, file, commune, dry_run, user="", **options):
        try:
            commune_obj = Commune.objects.get(code=commune)
        except Commune.DoesNotExist:
            raise CommandError(_("No commune with code %(code)s.") % {"code": commune}) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s.") % {"file": file})
        who = None
        if user:
            who = get_user_model().objects.filter(username=user).first()
            if who is None:
                raise CommandError(_("No user named %(user)s.") % {"user": user})
        limit_memory(settings.WORKER_MEMORY_LIMIT_MB)
        with path.open("rb") as handle:
            # A dry run records nothing; an import is recorded like a web upload, whatever its outcome.
            upload = None
            if not dry_run:
                upload = upload_open(
                    commune_obj,
                    path.name,
                    user=who,
                    channel=StudentUpload.Channel.COMMAND_LINE,
                    file=File(handle, name=path.name),
                    system_account="" if who else _system_account(),
                )
                handle.seek(0)
            try:
                outcome = import_file(handle, path.name, commune_obj, user=who, upload=upload, dry_run=dry_run)
            except MemoryError:
                message = _("The file needs more memory than an import may use; nothing was saved.")
                if upload is not None:
                    upload_fail(upload.pk, message=message)
                self.stderr.write(message)
                raise SystemExit(1) from None
        if upload is not None:
            upload_outcome_record(upload, outcome)
        self._report(outcome, dry_run)

    def _report(self, outcome, dry_run: bool) -> None:
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
