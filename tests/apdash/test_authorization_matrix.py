"""The authorization matrix (issue 13, acceptance 2): every URL pattern (from the URL resolver) and
every API operation (from the drf-spectacular schema), requested by every role of partnership A with
the ids of partnership B's objects, leaks nothing of B.

A leak is any response carrying one of B's marker strings (its pupil's name and UPN, the concern's
narrative, the visit notes, ...), a read of one of B's own records that is not denied (404, 403 or
a redirect to sign in), or a write to one that is not refused. Providers are the shared register
(G §3e) and a register link's token is a capability handed to the provider: neither is B's to hide.
The URLs are not listed here: a new pattern whose parameter this file cannot fill fails the test
until the table of parameters below learns it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apdash.models import Role, TokenSecondFactor
from inspection.models import EvidencePack
from placements.attendance import services as attendance_services
from tests.factories import (
    AttendanceMarkFactory,
    ClosureFactory,
    ConcernEntryFactory,
    ConcernFactory,
    FlagFactory,
    FollowUpFactory,
    HalfTermFactory,
    InductionFactory,
    LearningPlanFactory,
    MilestoneFactory,
    OutcomeFactory,
    PartnershipFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    QAVisitFactory,
    QualificationFactory,
    ReviewFactory,
    RiskAssessmentFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
    seed_calendar,
    sign_in_with_two_factor,
)

pytestmark = pytest.mark.django_db

# Strings that exist only in partnership B's records.
MARKERS = {
    "first_name": "Zephyrine",
    "last_name": "Quillfeather",
    "reason": "Bravo-only placement reason",
    "concern": "Bravo-only concern narrative",
    "entry": "Bravo-only chronology entry",
    "visit": "Bravo-only visit notes",
    "closure": "Bravo-only closure",
    "school": "Bravo Marker School",
    "partnership": "Bravo Marker Partnership",
    "plan": "Bravo-only learning plan needs",
    "qa": "Bravo-only QA strengths",
}

# Roles of partnership A (a superuser sees everything by design).
ROLES = ["school_coordinator", "partnership_coordinator", "dsl", "partnership_dsl", "head", "provider_staff"]
TWO_FACTOR = {"dsl", "partnership_dsl", "head"}

# Path segment before a `pk` → which of B's records it names. Providers are shared (not B's own).
PK_SEGMENTS = {
    "pupils": "pupil",
    "placements": "placement",
    "flags": "flag",
    "links": "register_link",
    "milestones": "milestone",
    "reviews": "review",
    "qualifications": "qualification",
    "providers": "provider",
    "qa-visits": "qa_visit",
    "concerns": "concern",
    "risk-assessments": "risk_assessment",
    "packs": "pack",
    "partnerships": "partnership",
    "schools": "school",
    "half-terms": "half_term",
    "closures": "closure",
    "visits": "visit",
    "attendance": "mark",
    "follow-ups": "follow_up",
    "evidence-packs": "pack",
    "readiness": "pupil",
    "learning-plans": "plan",
    "outcomes": "outcome",
    "inductions": "induction",
    "provider-audits": "provider_audit",
}
# Named parameters → B's record (or a plain value).
NAMED_PARAMS = {
    "pupil_id": "pupil",
    "placement_id": "placement",
    "provider_id": "provider",
    "token": "token",
    "day": "today",
    "session": "AM",
}
# Provider audits are shared on the register with every school, as the provider pages share them.
SHARED = {"provider", "token", "provider_audit"}
# Query-string filters offered on every list: B's ids.
QUERY_FILTERS = {
    "pupil": "pupil",
    "placement": "placement",
    "school": "school",
    "partnership": "partnership",
    "attendance": "mark",
    "plan": "plan",
}
# Request-body fields naming one of B's own records (for creating through a list endpoint).
OWNED_FIELDS = {
    "pupil": "pupil",
    "placement": "placement",
    "school": "school",
    "partnership": "partnership",
    "attendance": "mark",
    "concern": "concern",
}
DENIED = {401, 403, 404, 405}
SIGN_IN = re.compile(r"/accounts/(login|two-factor)/")


@dataclass
class World:
    b: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def value(self, name):
        if name == "today":
            return timezone.localdate().isoformat()
        if name == "AM":
            return "AM"
        return self.b[name]


def _build_world() -> World:
    seed_calendar(2026)
    world = World()
    today = timezone.localdate()
    # Partnership A: its people and a provider only A uses.
    partnership_a = PartnershipFactory(name="Alpha Partnership")
    school_a = SchoolFactory(name="Alpha School", partnership=partnership_a)
    provider_a = ProviderFactory(name="Alpha Provider")
    placement_with_timetable(
        pupil=PupilFactory(school=school_a), provider=provider_a, days=(0, 1, 2, 3, 4), start_date=today
    )
    users = {
        "school_coordinator": member(Role.SCHOOL_COORDINATOR, school=school_a),
        "partnership_coordinator": member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership_a),
        "dsl": member(Role.DSL, school=school_a),
        "partnership_dsl": member(Role.DSL, partnership=partnership_a),
        "head": member(Role.HEAD, school=school_a),
        "provider_staff": member(Role.PROVIDER_STAFF, provider=provider_a),
    }
    # Partnership B: one of everything, marked.
    partnership = PartnershipFactory(name=MARKERS["partnership"])
    school = SchoolFactory(name=MARKERS["school"], partnership=partnership)
    coordinator_b = member(Role.SCHOOL_COORDINATOR, school=school)
    provider = ProviderFactory(name="Shared Register Provider")
    pupil = PupilFactory(school=school, first_name=MARKERS["first_name"], last_name=MARKERS["last_name"])
    placement = placement_with_timetable(
        pupil=pupil,
        provider=provider,
        days=(0, 1, 2, 3, 4),
        start_date=today - timedelta(days=30),
        reason=MARKERS["reason"],
    )
    mark = AttendanceMarkFactory(placement=placement, date=today - timedelta(days=1), code="N")
    concern = ConcernFactory(
        pupil=pupil, placement=placement, description=MARKERS["concern"], raised_by=coordinator_b
    )
    plan = LearningPlanFactory(pupil=pupil, needs_summary=MARKERS["plan"])
    link, token = attendance_services.register_link_create(actor=coordinator_b, provider=provider, date=today)
    world.b = {
        "partnership": partnership.pk,
        "school": school.pk,
        "provider": provider.pk,
        "pupil": pupil.pk,
        "placement": placement.pk,
        "mark": mark.pk,
        "follow_up": FollowUpFactory(attendance=mark).pk,
        "visit": VisitFactory(placement=placement, notes=MARKERS["visit"]).pk,
        "flag": FlagFactory(
            school=school, pupil=pupil, placement=placement, message=f"{pupil} needs a visit"
        ).pk,
        "concern": concern.pk,
        "entry": ConcernEntryFactory(concern=concern, author=coordinator_b, text=MARKERS["entry"]).pk,
        "risk_assessment": RiskAssessmentFactory(placement=placement, created_by=coordinator_b).pk,
        "induction": InductionFactory(placement=placement, recorded_by=coordinator_b).pk,
        "plan": plan.pk,
        "milestone": MilestoneFactory(plan=plan).pk,
        "review": ReviewFactory(plan=plan).pk,
        "qualification": QualificationFactory(pupil=pupil).pk,
        "outcome": OutcomeFactory(pupil=pupil).pk,
        "qa_visit": QAVisitFactory(provider=provider, partnership=partnership, strengths=MARKERS["qa"]).pk,
        "half_term": HalfTermFactory(partnership=partnership, name="Spring 1").pk,
        "closure": ClosureFactory(school=school, reason=MARKERS["closure"]).pk,
        "pack": EvidencePack.objects.create(
            school=school, date_from=today - timedelta(days=30), date_to=today, generated_by=coordinator_b
        ).pk,
        "register_link": link.pk,
        "provider_audit": ProviderAuditFactory(provider=provider).pk,
        "token": token,
    }
    world.users = users
    return world


def _page_patterns():
    """Every URL pattern outside the admin, as (route, name)."""

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route.startswith("admin/") or route.startswith("api/"):
                    continue
                yield from walk(entry, route)
            elif isinstance(entry, URLPattern):
                yield route, entry.name

    return list(walk(get_resolver(), ""))


def _fill(route: str, world: World) -> tuple[str, set[str]]:
    """The route with B's ids in it, and which of B's records it names."""
    names = set()

    def substitute(match):
        param = match.group(1)
        if param == "pk":
            before = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            key = PK_SEGMENTS.get(before)
        else:
            key = NAMED_PARAMS.get(param)
        assert key is not None, f"{route}: add “{param}” to the matrix's parameter table"
        names.add(key)
        return str(world.value(key))

    path = re.sub(r"<(?:\w+:)?(\w+)>", substitute, route)
    return "/" + path, names


def _leaks(body: bytes) -> list[str]:
    text = body.decode(errors="ignore")
    return [marker for marker in MARKERS.values() if marker in text]


def _judge(failures, who, method, url, response, owned):
    location = response.get("Location", "") if hasattr(response, "get") else ""
    found = _leaks(response.content) if response.status_code < 300 else []
    if found:
        failures.append(f"{who} {method} {url}: {response.status_code} shows {found}")
    denied = response.status_code in DENIED or (response.status_code == 302 and SIGN_IN.search(location))
    if owned and not denied:
        failures.append(f"{who} {method} {url}: {response.status_code}, not refused")


def _client_for(client_class, role, user):
    client = client_class()
    if role in TWO_FACTOR:
        sign_in_with_two_factor(client, user)
    else:
        client.force_login(user)
    return client


def _page_failures(world, roles, client_class) -> tuple[list[str], int]:
    patterns = _page_patterns()
    assert len(patterns) > 40, "the resolver should give every page"
    query = "&".join(f"{name}={world.value(key)}" for name, key in QUERY_FILTERS.items())
    failures, requests = [], 0
    for role in roles:
        browser = _client_for(client_class, role, world.users[role])
        for route, _name in patterns:
            url, names = _fill(route, world)
            owned = bool(names - SHARED)
            if "token" in names:
                continue  # the provider's capability link: whoever holds it sees that register
            response = browser.get(f"{url}?{query}")
            requests += 1
            _judge(failures, role, "GET", url, response, owned)
            if names:
                response = browser.post(url, {})
                requests += 1
                _judge(failures, role, "POST", url, response, owned)
    return failures, requests


def test_no_page_shows_or_changes_another_partnerships_records(client):
    world = _build_world()
    failures, requests = _page_failures(world, ROLES, type(client))
    assert requests > 6 * 40
    assert not failures, f"{len(failures)} leaks in {requests} requests:\n" + "\n".join(failures)


def _api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation, schema


def _api_url(path: str, world: World) -> tuple[str, set[str]]:
    names = set()

    def substitute(match):
        before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        key = PK_SEGMENTS.get(before)
        assert key is not None, f"{path}: add “{before}” to the matrix's parameter table"
        names.add(key)
        return str(world.value(key))

    return re.sub(r"\{(\w+)\}", substitute, path), names


def _example(prop: dict, schema: dict):
    """A plausible value for a request field, from its schema."""
    if "$ref" in prop:
        prop = schema["components"]["schemas"][prop["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in prop:
        return _example(prop["allOf"][0], schema)
    if "enum" in prop:
        return next((v for v in prop["enum"] if v), None)
    kind, fmt = prop.get("type"), prop.get("format")
    if kind == "string":
        return {"date": timezone.localdate().isoformat(), "date-time": timezone.now().isoformat()}.get(
            fmt, "09:00"
        )
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def _body(operation, schema, world):
    """A request body naming B's records in every field that refers to one."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref")
    if not ref:
        return {}, set()
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    body, owned = {}, set()
    for name, prop in component.get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        if name in OWNED_FIELDS:
            body[name] = world.value(OWNED_FIELDS[name])
            owned.add(name)
        elif name == "provider":
            body[name] = world.value("provider")
        else:
            body[name] = _example(prop, schema)
    return body, owned


def _api_failures(world, roles) -> tuple[list[str], int]:
    operations = list(_api_operations())
    assert len(operations) > 30, "the schema should give every API operation"
    failures, requests = [], 0
    for role in roles:
        user = world.users[role]
        token, _ = Token.objects.get_or_create(user=user)
        if role in TWO_FACTOR:
            TokenSecondFactor.objects.get_or_create(token=token)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        for path, method, operation, schema in operations:
            if path.endswith("/auth/token/"):
                continue
            url, names = _api_url(path, world)
            owned = bool(names - SHARED)
            if method == "get":
                filters = {
                    p["name"]: world.value(QUERY_FILTERS[p["name"]])
                    for p in operation.get("parameters", [])
                    if p.get("in") == "query" and p["name"] in QUERY_FILTERS
                }
                response = api.get(url, filters)
                requests += 1
                _judge(failures, role, "GET", url, response, owned)
                continue
            body, owned_fields = _body(operation, schema, world)
            response = getattr(api, method)(url, body, format="json")
            requests += 1
            if names:
                _judge(failures, role, method.upper(), url, response, owned)
            elif owned_fields and response.status_code < 300:
                failures.append(
                    f"{role} {method.upper()} {url} with B's {sorted(owned_fields)}: {response.status_code}"
                )
            elif response.status_code < 300 and _leaks(response.content):
                failures.append(f"{role} {method.upper()} {url}: shows {_leaks(response.content)}")
    return failures, requests


def test_no_api_route_shows_or_changes_another_partnerships_records():
    world = _build_world()
    failures, requests = _api_failures(world, ROLES)
    assert requests > 6 * 30
    assert not failures, f"{len(failures)} leaks in {requests} requests:\n" + "\n".join(failures)


def test_the_matrix_reports_a_user_who_can_see_partnership_b(client):
    """The control: give A's coordinator a role at B's school and the matrix must find leaks, both
    in the pages and the API, so a passing matrix means something."""
    from apdash.models import Membership, School

    world = _build_world()
    user = world.users["school_coordinator"]
    Membership.objects.create(
        user=user, role=Role.SCHOOL_COORDINATOR, school=School.objects.get(pk=world.b["school"])
    )
    pages, _ = _page_failures(world, ["school_coordinator"], type(client))
    api, _ = _api_failures(world, ["school_coordinator"])
    assert any(f"/pupils/{world.b['pupil']}/" in failure and "Zephyrine" in failure for failure in pages)
    assert any(f"/api/v1/pupils/{world.b['pupil']}/" in failure for failure in api)
    assert any("not refused" in failure for failure in api)
