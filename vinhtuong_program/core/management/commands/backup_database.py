from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vinhtuong_program.core.backups import VENDOR_NAMES, BackupError, create_backup, database_label, prune_backups


class Command(BaseCommand):
    help = (
        "Back up the configured database (pg_dump, or SQLite's online backup) and MEDIA_ROOT into a "
        "timestamped directory of BACKUP_DIR, then keep only the BACKUP_KEEP newest backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="directory of backups (default: BACKUP_DIR)")
        parser.add_argument(
            "--keep", type=int, default=None, help="newest backups kept, 0 for all (default: BACKUP_KEEP)"
        )

    def handle(self, *args, **options):
        backup_dir = options["dir"] or settings.BACKUP_DIR
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        try:
            result = create_backup(backup_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Backed up the %(vendor)s database %(database)s (%(size)s bytes) and %(files)d uploaded files into:")
                % {
                    "vendor": VENDOR_NAMES[result.vendor],
                    "database": database_label(),
                    "size": result.database_bytes,
                    "files": result.media_files,
                }
            )
        )
        self.stdout.write(str(result.path))
        for path in prune_backups(backup_dir, keep):
            self.stdout.write(_("Deleted the old backup %(path)s.") % {"path": path})
