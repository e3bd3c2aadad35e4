from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from providers.services import gias_import


class Command(BaseCommand):
    help = (
        "Import DfE's 'All establishment data' extract from Get Information about Schools (the CSV as "
        "DfE publishes it) and check every provider with a URN against it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The extract, e.g. edubasealldata20261130.csv")
        parser.add_argument("--date", help="The day registration was checked, YYYY-MM-DD (default: today)")

    def handle(self, *args, file, date=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            extract_date = _parse_date(date) if date else None
            result = gias_import(data=path.read_bytes(), file_name=path.name, extract_date=extract_date)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(result.summary())


def _parse_date(text):
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Give the date as YYYY-MM-DD, not {text!r}") from exc
