"""Seed a realistic, fictional county partnership for the demo. Deterministic (seeded random);
each app contributes its own part, so the demo always shows every feature."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apdash.checks import rechecks_paused
from apdash.demo import DEMO_PASSWORD, DemoWorld, seed_core
from apdash.models import School
from placements.demo.attendance import seed_attendance
from placements.demo.flags import seed_flags
from placements.demo.placements import seed_placements
from placements.demo.plans import seed_plans
from placements.models import Placement, Pupil
from providers.demo import seed_audits, seed_providers, seed_qa_visits
from providers.models import Provider
from safeguarding.demo import seed_safeguarding

# seed_flags runs every check over what the others made, so it stays last.
SEEDERS = [
    seed_core,
    seed_providers,
    seed_placements,
    seed_attendance,
    seed_audits,
    seed_qa_visits,
    seed_plans,
    seed_safeguarding,
    seed_flags,
]


class Command(BaseCommand):
    help = "Seed the demo partnership (idempotent: safe to run again) and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026)")

    def handle(self, *args, seed, **options):
        world = DemoWorld(today=timezone.localdate(), rng=random.Random(seed), seed=seed)
        # The seeders write through the services; seed_flags runs every check once at the end.
        with transaction.atomic(), rechecks_paused():
            for seeder in SEEDERS:
                seeder(world)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {School.objects.count()} schools, {Provider.objects.count()} providers, "
                f"{Pupil.objects.count()} pupils, {Placement.objects.count()} placements."
            )
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for role, email, where in world.logins:
            self.stdout.write(f"  {role:<32} {email:<34} {where}")
