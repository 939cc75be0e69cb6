from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.progress import build_progress_report
from reports.snapshot import Snapshot


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date written YYYY-MM-DD, not {text!r}.") from None
    if day > timezone.localdate():
        raise CommandError(f"--as-of {day.isoformat()} is in the future; the report can only look back.")
    return day


class Command(BaseCommand):
    help = "The 30/9 progress report (DESIGN.md)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "xlsx", "docx", "pdf"], default="json")
        parser.add_argument("-o", "--output", help="write to this file instead of standard output")
        parser.add_argument("--as-of", help="YYYY-MM-DD: the figures as they stood at the end of that day")

    def handle(self, *args, **options):
        snapshot = Snapshot(_day(options["as_of"])) if options["as_of"] else Snapshot.live()
        if options["format"] != "json":
            raise CommandError(f"--format {options['format']} is not available yet; use --format json.")
        text = json.dumps(build_progress_report(snapshot), ensure_ascii=False, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
        else:
            self.stdout.write(text)
