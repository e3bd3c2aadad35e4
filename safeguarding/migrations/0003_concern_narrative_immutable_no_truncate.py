"""Safeguarding records are never altered (KCSIE): a concern's own narrative cannot be changed once
written (corrections are chronology entries), and the database refuses TRUNCATE of concerns and
their chronology."""

from django.db import migrations

from apdash.db import immutable_columns, refuse_truncate

NARRATIVE = [
    "pupil_id",
    "placement_id",
    "category",
    "description",
    "occurred_at",
    "location",
    "immediate_action",
    "urgency",
    "raised_by_id",
    "raised_at",
]


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0002_concernentry_append_only")]
    operations = [
        immutable_columns("safeguarding_concern", NARRATIVE),
        refuse_truncate("safeguarding_concernentry"),
        refuse_truncate("safeguarding_concern"),
    ]
