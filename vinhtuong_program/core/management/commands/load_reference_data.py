from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from donations.reference import committee_load
from reports.reference import milestones_load
from students.models import Commune
from students.reference import communes_load
from telecom.reference import providers_load
from vinhtuong_program.core.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Load the 28 communes of Vĩnh Tường, the telecom providers, the plan's milestones, "
        "the receiving committee and the roles. Safe to run again: rows that exist are kept as edited."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            created = {
                _("communes"): communes_load(),
                _("telecom providers"): providers_load(),
                _("milestones"): milestones_load(),
                _("receiving committee members"): committee_load(),
            }
            sync_roles()
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(_("Reference data loaded; new rows: %(summary)s.") % {"summary": summary}))
        self.stdout.write(_("Communes and townships in the district: %(count)d") % {"count": Commune.objects.count()})
