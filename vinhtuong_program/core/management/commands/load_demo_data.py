from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from students.models import Commune
from vinhtuong_program.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_data_load, demo_data_present


class Command(BaseCommand):
    help = "Create invented demo data (users of every role, schools, pupils, donors, pledges). DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(_("Demo data is only for trial installations: set DJANGO_DEBUG=1 to load it."))
        if not Commune.objects.exists():
            raise CommandError(_("Load the reference data first: python manage.py load_reference_data"))
        if demo_data_present():
            self.stdout.write(_("Demo data is already loaded; nothing was changed."))
        else:
            counts = demo_data_load()
            self.stdout.write(
                self.style.WARNING(
                    _("DEMO DATA (invented, not real pupils or donors): %(pupils)s pupils, %(pledges)s pledges.")
                    % counts
                )
            )
        self.stdout.write(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for user in DEMO_USERS:
            scope = user.commune_code or user.provider_code
            self.stdout.write(f"  {user.username:<14} {user.role.label}{f' ({scope})' if scope else ''}")
