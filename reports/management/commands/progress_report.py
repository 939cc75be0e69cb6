import json

from django.core.management.base import BaseCommand, CommandError

from reports.progress import build_progress_report


class Command(BaseCommand):
    help = "The 30/9 progress report (DESIGN.md)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "xlsx", "docx", "pdf"], default="json")
        parser.add_argument("-o", "--output", help="write to this file instead of standard output")
        parser.add_argument("--as-of", help="YYYY-MM-DD: the figures as they stood at the end of that day")

    def handle(self, *args, **options):
        # The file formats and --as-of (figures from history) come with the reports issue.
        if options["format"] != "json":
            raise CommandError(f"--format {options['format']} is not available yet; use --format json.")
        if options["as_of"]:
            raise CommandError("--as-of is not available yet.")
        text = json.dumps(build_progress_report(), ensure_ascii=False, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
        else:
            self.stdout.write(text)
