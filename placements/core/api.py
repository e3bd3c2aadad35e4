"""REST API v1 for pupils and placements (with their weekly timetable)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.response import Response

from apdash import thresholds
from apdash.api import (
    ApiViewSet,
    IdFilter,
    ScopedChoicesMixin,
    request_user,
    validation_errors_as_400,
)
from apdash.selectors import visible_schools
from placements.core import rules, selectors, services
from placements.core.models import Placement, Pupil
from placements.core.selectors import visible_placements, visible_pupils
from providers.selectors import visible_providers


def school_placements(user):
    """Placements a user sees as school or partnership staff (provider staff see none here)."""
    if user is None or not user.has_perm("placements.view_pupil_list"):
        return Placement.objects.none()
    return visible_placements(user)


class PupilSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    scoped_fields = {"school": visible_schools}

    class Meta:
        model = Pupil
        fields = [
            "id",
            "upn",
            "first_name",
            "last_name",
            "date_of_birth",
            "year_group",
            "school",
            "sen_status",
            "looked_after",
            "pupil_premium",
            "needs_summary",
            "left_on",
            "moved_to",
        ]
        # The service checks uniqueness after normalising the UPN, with a plain message.
        extra_kwargs = {
            "upn": {
                "validators": [],
                "max_length": 40,  # a pasted UPN may carry spaces, which are ignored
                "help_text": "13 characters, for example B801200005001 (spaces are ignored)",
            }
        }

    def validate_upn(self, value):
        problem = rules.upn_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return rules.normalise_upn(value)

    def create(self, validated_data):
        with validation_errors_as_400():
            return services.pupil_create(actor=request_user(self), **validated_data)

    def update(self, instance, validated_data):
        with validation_errors_as_400():
            return services.pupil_update(actor=request_user(self), pupil=instance, **validated_data)


class PupilFilter(filters.FilterSet):
    school = IdFilter(field_name="school_id")
    name = filters.CharFilter(method="filter_name")

    class Meta:
        model = Pupil
        fields = ["school", "upn", "year_group", "sen_status", "looked_after", "name"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(first_name__icontains=value) | Q(last_name__icontains=value))


class PupilViewSet(ApiViewSet):
    serializer_class = PupilSerializer
    filterset_class = PupilFilter
    create_perm = "placements.add_pupil"
    change_perm = "placements.change_pupil"

    def get_queryset(self):
        # Provider staff see pupils only through the register they mark, never as a list.
        if not self.request.user.has_perm("placements.view_pupil_list"):
            return Pupil.objects.none()
        return visible_pupils(self.request.user).order_by("last_name", "first_name", "id")


class TimetableListSerializer(serializers.ListSerializer):
    """Refuses more slots than a placement may have before checking any of them."""

    def to_internal_value(self, data):
        if isinstance(data, list):
            problem = rules.slot_count_problem(len(data), max_slots=thresholds.max_slots_per_placement())
            if problem:
                raise serializers.ValidationError([problem])
        return super().to_internal_value(data)


class TimetableSlotSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=4, help_text="Monday is 0, Friday is 4")
    start = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], help_text="HH:MM")
    end = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], help_text="HH:MM")

    class Meta:
        list_serializer_class = TimetableListSerializer


class HoursAssessmentSerializer(serializers.Serializer):
    weekly_hours = serializers.FloatField()
    days = serializers.IntegerField()
    limits_breached = serializers.ListField(
        child=serializers.ChoiceField(choices=["hours", "days", "main_responsibility"])
    )
    near_limit = serializers.BooleanField()
    message = serializers.CharField(allow_null=True)


class PlacementSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    scoped_fields = {"pupil": visible_pupils, "provider": visible_providers}
    timetable = TimetableSlotSerializer(many=True, required=False)
    weekly_hours = serializers.SerializerMethodField()
    days_per_week = serializers.SerializerMethodField()
    hours_warning = serializers.SerializerMethodField(
        help_text="At an unregistered provider: whether the pupil's week there (this placement's "
        "timetable with their other placements at the same provider) breaks or nears the limits "
        "(G §3f; para 399). Null at a registered provider. Use ?dry_run=true to see it before saving."
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "pupil",
            "provider",
            "start_date",
            "end_date",
            "status",
            "provider_has_main_responsibility",
            "reason",
            "census_reason",
            "rationale",
            "goal",
            "qualifications",
            "commissioned_by",
            "arranged_by",
            "end_reason",
            "end_notes",
            "off_site_direction",
            "reports_to",
            "objectives",
            "parental_notice_sent_on",
            "parental_notice_how",
            "la_notified_on",
            "la_notified_how",
            "timetable",
            "weekly_hours",
            "days_per_week",
            "hours_warning",
        ]

    @staticmethod
    def _slots(placement) -> list[rules.Slot]:
        return [slot.as_rule_slot() for slot in placement.timetable.all()]

    def get_weekly_hours(self, placement) -> float:
        return rules.weekly_hours(self._slots(placement))

    def get_days_per_week(self, placement) -> int:
        return rules.days_per_week(self._slots(placement))

    @extend_schema_field(HoursAssessmentSerializer(allow_null=True))
    def get_hours_warning(self, placement):
        if not placement.provider.limits_apply:
            return None
        today = timezone.localdate()
        verdict = selectors.hours_assessment_of_proposal(
            pupil=placement.pupil,
            provider=placement.provider,
            start=placement.start_date,
            end=placement.end_date,
            slots=self._slots(placement),
            main_responsibility=placement.provider_has_main_responsibility,
            placement_id=placement.pk,
            today=today,
        )
        shown = verdict.breach or verdict.near_limit
        assessment = shown.assessment if shown else verdict.now
        return {
            "weekly_hours": assessment.weekly_hours,
            "days": assessment.days,
            "limits_breached": list(assessment.limits_breached),
            "near_limit": assessment.near_limit,
            "message": verdict.message(),
        }

    @staticmethod
    def _rule_slots(timetable):
        return [rules.Slot(s["weekday"], s["start"], s["end"]) for s in timetable]

    def create(self, validated_data):
        timetable = self._rule_slots(validated_data.pop("timetable", []))
        with validation_errors_as_400():
            return services.placement_create(actor=request_user(self), timetable=timetable, **validated_data)

    def update(self, instance, validated_data):
        timetable = validated_data.pop("timetable", None)
        with validation_errors_as_400():
            return services.placement_update(
                actor=request_user(self),
                placement=instance,
                timetable=None if timetable is None else self._rule_slots(timetable),
                **validated_data,
            )


class PlacementFilter(filters.FilterSet):
    pupil = IdFilter(field_name="pupil_id")
    provider = IdFilter(field_name="provider_id")
    school = IdFilter(field_name="pupil__school_id")
    active_on = filters.DateFilter(method="filter_active_on", help_text="Placements active on this date")

    class Meta:
        model = Placement
        fields = ["pupil", "provider", "school", "status", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


DRY_RUN = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    description="Validate and return the placement as it would be saved, with `hours_warning`; save nothing.",
)


@extend_schema_view(
    create=extend_schema(
        parameters=[DRY_RUN], responses={201: PlacementSerializer, 200: PlacementSerializer}
    ),
    update=extend_schema(parameters=[DRY_RUN]),
    partial_update=extend_schema(parameters=[DRY_RUN]),
)
class PlacementViewSet(ApiViewSet):
    """Provider staff may read their current placements (to know whose register to mark); only
    school and partnership co-ordinators change them."""

    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter
    create_perm = "placements.add_placement"
    change_perm = "placements.change_placement"

    def get_queryset(self):
        # The pupil's placements with their timetables feed `hours_warning` without a query per row.
        return (
            visible_placements(self.request.user)
            .prefetch_related(
                "timetable",
                Prefetch("pupil__placements", queryset=Placement.objects.prefetch_related("timetable")),
            )
            .order_by("-start_date", "id")
        )

    def _dry_run(self):
        return self.request.query_params.get("dry_run", "").lower() in ("1", "true", "yes")

    def create(self, request, *args, **kwargs):
        if not self._dry_run():
            return super().create(request, *args, **kwargs)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({**self._rehearse(serializer), "id": None})

    def update(self, request, *args, **kwargs):
        if not self._dry_run():
            return super().update(request, *args, **kwargs)
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        return Response(self._rehearse(serializer))

    @staticmethod
    def _rehearse(serializer):
        """Save through the real service, read the result back, then roll it all back."""
        with transaction.atomic():
            placement = serializer.save()
            placement._prefetched_objects_cache = {}
            data = dict(serializer.data)
            transaction.set_rollback(True)
        return data
