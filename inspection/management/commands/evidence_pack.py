"""Write the evidence pack to a file without the web: the same renderer as the Celery task."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apdash.models import School
from inspection import packs, services
from placements.models import Pupil


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"“{value}” is not a date: use YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = "Generate the Ofsted evidence pack PDF for a school (or one of its pupils)."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="The school's URN")
        parser.add_argument("--pupil", help="A pupil's UPN, for that pupil's pack only")
        parser.add_argument(
            "--from", dest="date_from", help="Evidence from (YYYY-MM-DD); default: academic year start"
        )
        parser.add_argument("--to", dest="date_to", help="Evidence up to (YYYY-MM-DD); default: today")
        parser.add_argument("--out", required=True, help="The PDF file to write")

    def handle(self, *args, school, pupil, date_from, date_to, out, **options):
        found = School.objects.select_related("partnership").filter(urn=school).first()
        if found is None:
            raise CommandError(f"No school with URN {school}.")
        chosen = None
        if pupil:
            chosen = Pupil.objects.filter(school=found, upn=pupil.strip().upper()).first()
            if chosen is None:
                raise CommandError(f"No pupil with UPN {pupil} at {found.name}.")
        today = timezone.localdate()
        default_from, default_to = packs.default_pack_range(today)
        first = _day(date_from) if date_from else default_from
        last = _day(date_to) if date_to else default_to
        if last < first:
            raise CommandError("The end date must be on or after the start date.")
        # Run by an operator at the server, as the DSL would: per-pupil concern counts included.
        scope = packs.PackScope(
            title=found.name,
            schools=[found],
            date_from=first,
            date_to=last,
            pupil=chosen,
            per_pupil_concerns=True,
        )
        pdf, pages = services.render_pack_pdf(
            scope,
            today=min(today, last),
            progress=lambda percent, stage: self.stderr.write(f"{percent:3d}% {stage}")
            if options["verbosity"] > 1
            else None,
        )
        with open(out, "wb") as handle:
            handle.write(pdf)
        self.stdout.write(self.style.SUCCESS(f"Wrote {pages} pages to {out}."))
