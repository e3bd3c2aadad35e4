"""Acceptance 3: an integration script that knows only HTTP. The one thing made directly in the
database is the first login; everything else goes through the API, as an MIS sync would."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from apdash.models import User
from tests.factories import recent_weekday

pytestmark = pytest.mark.django_db(transaction=True)

PUPILS = [
    ("B801200005001", "Kacey", "Walsh", "2011-03-14", 10, "ehcp"),
    ("Q801200005002", "Aaron", "Okafor", "2010-11-02", 11, "none"),
]


class Api:
    def __init__(self, base):
        self.base = f"{base}/api/v1"
        self.session = requests.Session()

    def sign_in(self, email, password):
        response = self.session.post(f"{self.base}/auth/token/", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        self.session.headers["Authorization"] = f"Token {response.json()['token']}"

    def post(self, path, body, expect=201):
        response = self.session.post(f"{self.base}/{path}", json=body, timeout=30)
        assert response.status_code == expect, response.text
        return response.json()

    def get(self, path):
        response = self.session.get(f"{self.base}/{path}", timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


def test_a_script_sets_up_a_school_and_its_placements_through_the_api_alone(live_server):
    User.objects.create_superuser(email="admin@partnership.example", password="a-long-admin-passphrase")
    api = Api(live_server.url)
    api.sign_in("admin@partnership.example", "a-long-admin-passphrase")

    partnership = api.post("partnerships/", {"name": "Northshire AP Partnership"})
    school = api.post(
        "schools/", {"name": "Castle Hill Academy", "urn": "137001", "partnership": partnership["id"]}
    )
    pupils = [
        api.post(
            "pupils/",
            {
                "upn": upn,
                "first_name": first,
                "last_name": last,
                "date_of_birth": born,
                "year_group": year,
                "school": school["id"],
                "sen_status": sen,
                "looked_after": False,
            },
        )
        for upn, first, last, born, year, sen in PUPILS
    ]
    forge = api.post(
        "providers/",
        {
            "name": "Forge Skills Centre",
            "registration_status": "registered",
            "urn": "148000",
            "provider_type": "vocational",
            "address": "Unit 4, Forge Lane, Northport",
        },
    )
    tutor = api.post(
        "providers/",
        {
            "name": "Harbour Tuition",
            "registration_status": "unregistered",
            "ukprn": "",
            "provider_type": "tuition",
        },
    )

    start = timezone.localdate() - timedelta(days=14)
    first = api.post(
        "placements/",
        {
            "pupil": pupils[0]["id"],
            "provider": forge["id"],
            "start_date": start.isoformat(),
            "end_date": None,
            "status": "active",
            "provider_has_main_responsibility": False,
            "reason": "Construction course to re-engage with learning",
            "timetable": [
                {"weekday": 0, "start": "09:00", "end": "15:00"},
                {"weekday": 1, "start": "09:00", "end": "15:00"},
                {"weekday": 3, "start": "09:00", "end": "12:30"},
            ],
        },
    )
    second = api.post(
        "placements/",
        {
            "pupil": pupils[1]["id"],
            "provider": tutor["id"],
            "start_date": start.isoformat(),
            "end_date": None,
            "status": "active",
            "provider_has_main_responsibility": False,
            "reason": "English and maths tuition while on a reduced timetable",
            "timetable": [
                {"weekday": 2, "start": "10:00", "end": "12:00"},
                {"weekday": 4, "start": "13:00", "end": "15:00"},
            ],
        },
    )

    yesterday = recent_weekday(1).isoformat()
    marks = api.post(
        "attendance/",
        [
            {"placement": first["id"], "date": yesterday, "session": "AM", "code": "B"},
            {"placement": first["id"], "date": yesterday, "session": "PM", "code": "B"},
            {"placement": second["id"], "date": yesterday, "session": "AM", "code": "N"},
        ],
    )
    assert len(marks) == 3
    api.post(
        "attendance/",
        [{"placement": second["id"], "date": yesterday, "session": "AM", "code": "I"}],
        expect=201,
    )
    api.post("visits/", {"placement": first["id"], "date": yesterday, "pupil_seen": True, "notes": "Settled"})

    placements = {row["id"]: row for row in api.get(f"placements/?school={school['id']}")["results"]}
    assert placements[first["id"]]["weekly_hours"] == 15.5
    assert placements[first["id"]]["days_per_week"] == 3
    assert placements[second["id"]]["weekly_hours"] == 4
    assert placements[second["id"]]["timetable"][0] == {"weekday": 2, "start": "10:00", "end": "12:00"}

    register = api.get(f"attendance/?placement={second['id']}&date={yesterday}&session=AM")["results"]
    assert [row["code"] for row in register] == ["I"]
    assert [v["notes"] for v in api.get(f"visits/?placement={first['id']}")["results"]] == ["Settled"]
