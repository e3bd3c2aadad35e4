from django.core.management.base import BaseCommand, CommandError

from apdash.models import Membership, Partnership, Role, School
from apdash.services import membership_add

Provider = Membership._meta.get_field("provider").related_model


class Command(BaseCommand):
    help = "Give a user (created if new) a role at a school, partnership or provider."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--school", metavar="URN")
        where.add_argument("--partnership", metavar="NAME")
        where.add_argument("--provider", metavar="ID", type=int)
        parser.add_argument("--password")

    def handle(self, *args, email, role, school, partnership, provider, password, **options):
        where = {}
        try:
            if school:
                where["school"] = School.objects.get(urn=school)
            elif partnership:
                where["partnership"] = Partnership.objects.get(name=partnership)
            elif provider:
                where["provider"] = Provider.objects.get(pk=provider)
        except (School.DoesNotExist, Partnership.DoesNotExist, Provider.DoesNotExist) as exc:
            raise CommandError(f"No such organisation: {exc}") from exc
        if role == Role.PROVIDER_STAFF and "provider" not in where:
            raise CommandError("Provider staff need --provider ID.")
        if role not in (Role.SUPERUSER, Role.PROVIDER_STAFF) and not (
            {"school", "partnership"} & where.keys()
        ):
            raise CommandError(f"The {role} role needs --school URN or --partnership NAME.")
        membership = membership_add(email=email, role=role, password=password, **where)
        self.stdout.write(self.style.SUCCESS(f"{membership}"))
