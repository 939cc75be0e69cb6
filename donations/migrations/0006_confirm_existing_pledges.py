"""Existing pledges: those staff entered or imported are confirmed (as of when they were pledged);
a public-form pledge is confirmed only when something was already received against it (money, a
device, or a telecom policy staff confirmed in force): staff have dealt with that donor. Every other
public-form pledge waits for staff to confirm it, like a new one. The pledges' history rows get the
same value, so a report as of a past day counts what today's would."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def confirm_existing(apps, schema_editor):
    Pledge = apps.get_model("donations", "Pledge")
    HistoricalPledge = apps.get_model("donations", "HistoricalPledge")
    CashReceipt = apps.get_model("donations", "CashReceipt")
    Device = apps.get_model("donations", "Device")
    PledgeLine = apps.get_model("donations", "PledgeLine")
    db = schema_editor.connection.alias  # the database being migrated, which need not be "default"
    received = (
        Exists(CashReceipt.objects.filter(pledge_line__pledge=OuterRef("pk")))
        | Exists(Device.objects.filter(pledge_line__pledge=OuterRef("pk")))
        | Exists(PledgeLine.objects.filter(pledge=OuterRef("pk"), confirmed_on__isnull=False))
    )
    confirmed = Pledge.objects.using(db).filter(Q(~Q(channel="public")) | received, confirmed_at__isnull=True)
    for pk, pledged_at, created_by_id in confirmed.values_list("pk", "pledged_at", "created_by_id").iterator():
        Pledge.objects.using(db).filter(pk=pk).update(confirmed_at=pledged_at, confirmed_by_id=created_by_id)
        HistoricalPledge.objects.using(db).filter(id=pk).update(confirmed_at=pledged_at, confirmed_by_id=created_by_id)


class Migration(migrations.Migration):
    dependencies = [("donations", "0005_pledge_confirmation")]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
