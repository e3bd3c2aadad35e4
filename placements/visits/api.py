"""REST API v1 for visits."""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from rest_framework import serializers

from apdash.api import (
    ApiViewSet,
    IdFilter,
    ScopedChoicesMixin,
    request_user,
    validation_errors_as_400,
)
from placements.core.api import school_placements
from placements.visits import services
from placements.visits.models import Visit


class VisitSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    scoped_fields = {"placement": school_placements}

    class Meta:
        model = Visit
        fields = [
            "id",
            "placement",
            "date",
            "pupil_seen",
            "notes",
            "visitor",
            "visitor_name",
            "wellbeing",
            "learning",
            "behaviour",
            "pupil_view",
        ]
        read_only_fields = ["visitor"]

    def validate(self, attrs):
        placement = attrs.get("placement", getattr(self.instance, "placement", None))
        day = attrs.get("date", getattr(self.instance, "date", None))
        if day and day > timezone.localdate():
            raise serializers.ValidationError(
                {"date": ["A visit is recorded after it happens: the date is in the future."]}
            )
        if placement and day and day < placement.start_date:
            raise serializers.ValidationError(
                {"date": [f"The placement started on {placement.start_date:%-d %B %Y}, after this visit."]}
            )
        return attrs

    def create(self, validated_data):
        user = request_user(self)
        with validation_errors_as_400():
            # The API records the caller as the visitor, whatever name they also give.
            return services.visit_record(actor=user, visitor=user, **validated_data)

    def update(self, instance, validated_data):
        with validation_errors_as_400():
            return services.visit_update(actor=request_user(self), visit=instance, **validated_data)


class VisitFilter(filters.FilterSet):
    placement = IdFilter(field_name="placement_id")
    pupil = IdFilter(field_name="placement__pupil_id")
    provider = IdFilter(field_name="placement__provider_id")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Visit
        fields = ["placement", "pupil", "provider", "date", "date_from", "date_to", "pupil_seen"]


class VisitViewSet(ApiViewSet):
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    create_perm = change_perm = "placements.record_visit"

    def get_queryset(self):
        return Visit.objects.filter(placement__in=school_placements(self.request.user)).order_by(
            "-date", "id"
        )
