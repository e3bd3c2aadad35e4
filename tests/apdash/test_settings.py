import os

import pytest
from django.db import connection

from tests.services import REQUIRED


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_where_services_are_required():
    if not REQUIRED:
        assert connection.vendor in {"postgresql", "sqlite"}
        return
    assert connection.vendor == "postgresql", "CI must run the suite on PostgreSQL (DATABASE_URL)"
    assert os.environ["CELERY_BROKER_URL"].startswith("redis://")
