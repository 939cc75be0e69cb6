from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.documents import FORMATS, render
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
    help = "The 30/9 progress report (DESIGN.md): JSON, or the .xlsx, .docx and .pdf files."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", help="write to this file instead of standard output")
        parser.add_argument("--as-of", help="YYYY-MM-DD: the figures as they stood at the end of that day")

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        binary = fmt != "json"
        # Refuse before the work: a file's bytes would only garble a terminal.
        if binary and not output and self.stdout.isatty():
            raise CommandError(
                f"--format {fmt} writes a binary file: give -o FILE, or redirect the output "
                f"(python manage.py progress_report --format {fmt} > report.{fmt})."
            )
        snapshot = Snapshot(_day(options["as_of"])) if options["as_of"] else Snapshot.live()
        report = build_progress_report(snapshot)
        if output:
            with open(output, "wb") as out:
                out.write(render(report, fmt))
        elif binary:
            self._write_bytes(render(report, fmt))
        else:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def _write_bytes(self, content: bytes) -> None:
        stream = getattr(self.stdout, "buffer", None)
        if stream is None:
            raise CommandError("Standard output takes no binary data here: give -o FILE.")
        self.stdout.flush()
        stream.write(content)
        stream.flush()
