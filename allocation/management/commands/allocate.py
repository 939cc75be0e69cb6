from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from allocation import labels, proposals
from donations.models import DeviceType
from students.models import SchoolLevel


class Command(BaseCommand):
    help = "Run the allocation rule engine and print what it proposes; without --dry-run, save the proposals."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show the proposal, save nothing")

    def handle(self, *args, dry_run, **options):
        computed = proposals.compute()
        self.print_summary(computed.summary())
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
            return
        try:
            run = proposals.run_save(computed=computed)
        except ValidationError as error:
            self.stderr.write(" ".join(error.messages))
            raise SystemExit(1) from None
        self.stdout.write(
            _("Saved run #%(run)s: %(count)s supports proposed, waiting for approval.")
            % {"run": run.pk, "count": run.proposed_count}
        )

    def print_summary(self, summary: dict) -> None:
        write = self.stdout.write
        write(
            _("Proposed: %(proposed)s pupils — %(devices)s devices, %(places)s connectivity places.")
            % {key: summary[key] for key in ("proposed", "devices", "places")}
        )
        write(_("By commune:"))
        for row in summary["by_commune"]:
            write(
                "  "
                + _(
                    "%(code)s %(name)s: in need %(in_need)s = supported %(supported)s + awaiting approval "
                    "%(awaiting_approval)s + not eligible yet %(not_eligible)s + eligible now %(eligible)s; "
                    "eligible now = proposed %(proposed)s + left out %(left_out)s; devices %(devices)s "
                    "(share %(device_share)s), places %(places)s (share %(place_share)s), "
                    "still without device %(missed_device)s, without connectivity %(missed_connectivity)s"
                )
                % row
            )
        write(_("By level:"))
        for level in SchoolLevel:
            counts = summary["by_level"].get(level.value, {})
            write(
                "  "
                + _("%(level)s: devices %(devices)s, places %(places)s")
                % {"level": level.label, "devices": counts.get("devices", 0), "places": counts.get("places", 0)}
            )
        write(_("By device type:"))
        for kind in DeviceType:
            write(f"  {kind.label}: {summary['by_type'].get(kind.value, 0)}")
        if summary["left_out"]:
            write(_("Left out, and why:"))
            for row in summary["left_out"]:
                write(f"  {labels.MISSED[row['need']]} — {labels.REASONS[row['reason']]}: {row['count']}")
        if summary["ineligible"]:
            write(_("Not eligible yet:"))
            for reason, count in sorted(summary["ineligible"].items()):
                write(f"  {labels.REASONS[reason]}: {count}")
        write(
            _("Unused: %(devices)s devices, %(places)s places.")
            % {"devices": summary["unused_devices"], "places": summary["unused_places"]}
        )
