from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from donations.statements import statement_import


class Command(BaseCommand):
    help = (
        "Import the programme account's bank statement (.xlsx, .xls, .csv): every credit recorded once as a "
        "receipt, matched to a cash pledge by the code in its description; nothing is saved when any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check, match and count, save nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s.") % {"file": file})
        with path.open("rb") as handle:
            result = statement_import(file=handle, filename=path.name, dry_run=dry_run)
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
        summary = _(
            "%(credits)s credits and %(debits)s debits read; %(new_credits)s new receipts (%(matched)s matched "
            "to a pledge, %(waiting)s waiting), %(new_debits)s new debits; %(already)s already recorded."
        ) % {
            "credits": result.credits,
            "debits": result.debits,
            "new_credits": result.new_credits,
            "matched": result.matched,
            "waiting": result.waiting,
            "new_debits": result.new_debits,
            "already": result.already,
        }
        self.stdout.write((_("Dry run, nothing saved: ") if dry_run else "") + summary)
