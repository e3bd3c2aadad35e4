from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apdash.models import School
from placements.core.services import ctf_import


class Command(BaseCommand):
    help = (
        "Import the pupils of a DfE Common Transfer File (CTF XML) onto a school's roll: new pupils are "
        "added, pupils already there updated. All or nothing: any pupil with a problem and none is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CTF, e.g. 801_LLLL_801XXXX_001.xml")
        parser.add_argument("--school", required=True, help="The URN of the school the pupils are on roll at")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and save nothing")

    def handle(self, *args, file, school, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        target = School.objects.filter(urn=school.strip()).first()
        if target is None:
            raise CommandError(f"No school with URN {school} is on apdash.")
        try:
            result = ctf_import(school=target, data=path.read_bytes(), dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if result.problems:
            lines = [str(problem) for problem in result.problems]
            raise CommandError(
                f"The CTF has {len(result.problems)} pupil(s) with problems; no pupils were imported.\n"
                + "\n".join(lines)
            )
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{len(result.actions)} pupils from {result.source} {verb} imported to {target.name}: "
            f"{result.created} new, {result.updated} updated."
        )
