from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vinhtuong_program.core.backups import VENDOR_NAMES, BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database into the configured database and MEDIA_ROOT. "
        "Refuses a database that has tables, or a MEDIA_ROOT with files, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="a backup directory, e.g. backups/vinhtuong-20210930-020000")
        parser.add_argument(
            "--force", action="store_true", help="replace the database's tables and MEDIA_ROOT's files with the backup"
        )

    def handle(self, *args, **options):
        try:
            result = restore_backup(options["backup"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        if result.replaced:
            self.stdout.write(self.style.WARNING(_("The tables and files that were there have been replaced.")))
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored the backup of %(created)s into the %(vendor)s database %(database)s: %(tables)d tables.")
                % {
                    "created": result.created_at,
                    "vendor": VENDOR_NAMES[result.vendor],
                    "database": result.database,
                    "tables": result.tables,
                }
            )
        )
        self.stdout.write(
            _("Restored %(files)d uploaded files into %(media)s.")
            % {"files": result.media_files, "media": result.media_root}
        )
        self.stdout.write(
            _("If this code is newer than the backup, run: python manage.py migrate. Then restart the services.")
        )
