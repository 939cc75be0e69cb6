from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from donations.importing import import_file


class Command(BaseCommand):
    help = "Import a donation list (.xlsx, .xls, .ods, .csv); nothing is saved when any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s.") % {"file": file})
        with path.open("rb") as handle:
            result = import_file(handle, path.name, dry_run=dry_run)
        for notice in result.table.notices if result.table else []:
            self.stdout.write(notice)
        if result.file_error:
            self.stderr.write(result.file_error)
        for item in result.error_dicts():
            self.stderr.write(
                _("Row %(row)s, column %(column)s: %(message)s") % {**item, "column": item["column"] or "—"}
            )
        if not result.ok:
            if result.errors:
                self.stderr.write(_("Nothing was saved: %(count)s errors.") % {"count": len(result.errors)})
            raise SystemExit(1)
        summary = _("%(pledges)s pledges imported; %(devices)s devices and %(receipts)s receipts recorded.") % {
            "pledges": result.pledges,
            "devices": result.devices,
            "receipts": result.receipts,
        }
        self.stdout.write((_("Dry run, nothing saved: ") if dry_run else "") + summary)
