from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vinhtuong_program.core import anonymise


class Command(BaseCommand):
    help = (
        "At the end of the campaign, replace pupils' and guardians' personal data (names, birth dates, IDs, "
        "phones, free text, uploaded lists and signed scans) in the tables and their history; every figure "
        "of the progress report stays the same. Cannot be undone: take a backup first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--confirm", action="store_true", help="really do it (nothing happens without it)")

    def handle(self, *args, confirm, **options):
        if not confirm:
            raise CommandError(
                _(
                    "Nothing was changed. This replaces the personal data of every pupil and guardian for good "
                    "(the report's figures stay); take a backup, then run again with --confirm."
                )
            )
        result = anonymise.anonymise()
        self.stdout.write(
            _(
                "Anonymised %(pupils)s pupils, %(feedback)s reports from the public, %(supports)s supports, "
                "%(requests)s guardians' requests and %(history)s history rows; %(files)s files deleted."
            )
            % {
                "pupils": result.pupils,
                "feedback": result.feedback,
                "supports": result.supports,
                "requests": result.guardian_requests,
                "history": result.history_rows,
                "files": len(result.files_deleted),
            }
        )
