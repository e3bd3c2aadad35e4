"""REST API v1 for attendance marks and follow-ups."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from apdash.api import (
    ApiViewSet,
    IdFilter,
    ScopedChoicesMixin,
    request_user,
    validation_errors_as_400,
)
from apdash.parsers import SafeJSONParser
from apdash.selectors import user_scope
from placements.attendance import rules, selectors, services
from placements.attendance.models import AttendanceMark, FollowUp, Session
from placements.core.api import school_placements
from placements.core.models import Placement
from placements.core.selectors import visible_placements


def _marks_of_school_placements(user):
    return AttendanceMark.objects.filter(placement__in=school_placements(user))


class AttendanceListSerializer(serializers.ListSerializer):
    def validate(self, attrs):
        seen = set()
        for i, mark in enumerate(attrs):
            key = (mark["placement"].pk, mark["date"], mark["session"])
            if key in seen:
                raise serializers.ValidationError(
                    [
                        f"Mark {i + 1} repeats the {mark['session']} session on {mark['date']:%-d %B %Y} "
                        "for the same placement."
                    ]
                )
            seen.add(key)
        return attrs


class AttendanceMarkSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    scoped_fields = {"placement": visible_placements}
    code = serializers.ChoiceField(
        choices=list(rules.ATTENDANCE_CODES),
        error_messages={"invalid_choice": "“{input}” is not a DfE attendance code (2024 regulations)."},
    )

    class Meta:
        model = AttendanceMark
        list_serializer_class = AttendanceListSerializer
        fields = [
            "id",
            "placement",
            "date",
            "session",
            "code",
            "minutes_late",
            "absence_reason",
            "note",
            "source",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["source", "recorded_by", "recorded_at"]
        # A mark for an existing (placement, date, session) replaces it, so no uniqueness check here.
        validators = []

    def validate(self, attrs):
        placement = attrs.get("placement", getattr(self.instance, "placement", None))
        day = attrs.get("date", getattr(self.instance, "date", None))
        future = rules.future_mark_problem(day, today=timezone.localdate())
        if future:
            raise serializers.ValidationError({"date": [future]})
        if not placement.is_active_on(day):
            raise serializers.ValidationError(
                {"date": [f"The placement was not running on {day:%-d %B %Y}."]}
            )
        return attrs

    def _record(self, **values):
        with validation_errors_as_400():
            return services.attendance_record(
                actor=request_user(self), source=AttendanceMark.Source.API, **values
            )

    def create(self, validated_data):
        return self._record(**validated_data)

    def update(self, instance, validated_data):
        key = {name: getattr(instance, name) for name in ("placement", "date", "session")}
        moved = [name for name, value in key.items() if validated_data.get(name, value) != value]
        if moved:
            raise serializers.ValidationError(
                {
                    name: ["A mark cannot be moved: post a mark for the other session instead."]
                    for name in moved
                }
            )
        current = {
            name: getattr(instance, name) for name in ("code", "minutes_late", "absence_reason", "note")
        }
        return self._record(**{**current, **validated_data, **key})


class AttendanceFilter(filters.FilterSet):
    placement = IdFilter(field_name="placement_id")
    pupil = IdFilter(field_name="placement__pupil_id")
    session = filters.ChoiceFilter(choices=Session.choices)
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = AttendanceMark
        fields = ["placement", "pupil", "date", "session", "code", "date_from", "date_to"]


ATTENDANCE_ONE_OR_MANY = PolymorphicProxySerializer(
    component_name="AttendanceMarkOneOrMany",
    serializers=[AttendanceMarkSerializer, AttendanceMarkSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


@extend_schema_view(
    create=extend_schema(
        request=ATTENDANCE_ONE_OR_MANY,
        responses={201: ATTENDANCE_ONE_OR_MANY},
        description="Post one mark or a list of marks (all or nothing). A mark for a placement, date and "
        "session that already has one replaces it.",
    )
)
class AttendanceViewSet(ApiViewSet):
    serializer_class = AttendanceMarkSerializer
    filterset_class = AttendanceFilter
    create_perm = change_perm = "placements.record_attendance"

    def get_queryset(self):
        return AttendanceMark.objects.filter(placement__in=visible_placements(self.request.user)).order_by(
            "date", "session", "id"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data, many=isinstance(request.data, list))
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class FollowUpSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    scoped_fields = {"attendance": _marks_of_school_placements}

    class Meta:
        model = FollowUp
        fields = ["id", "attendance", "contacted", "contacted_at", "outcome", "note"]

    def create(self, validated_data):
        mark = validated_data.pop("attendance")
        with validation_errors_as_400():
            return services.follow_up_record(
                actor=request_user(self),
                placement=mark.placement,
                date=mark.date,
                session=mark.session,
                **validated_data,
            )

    def update(self, instance, validated_data):
        with validation_errors_as_400():
            return services.follow_up_update(actor=request_user(self), follow_up=instance, **validated_data)


class FollowUpFilter(filters.FilterSet):
    attendance = IdFilter(field_name="attendance_id")
    placement = IdFilter(field_name="attendance__placement_id")
    pupil = IdFilter(field_name="attendance__placement__pupil_id")

    class Meta:
        model = FollowUp
        fields = ["attendance", "placement", "pupil", "outcome"]


class FollowUpViewSet(ApiViewSet):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    create_perm = change_perm = "placements.record_follow_up"

    def get_queryset(self):
        return FollowUp.objects.filter(
            attendance__placement__in=school_placements(self.request.user)
        ).order_by("contacted_at", "id")


# --- The register: all provider staff reach through the API (issue 13 §12) -----------------------


def _register_placements(user):
    """Placements on the register of the user's providers today: what provider staff may mark."""
    provider_ids = user_scope(user).provider_ids
    return Placement.objects.active_on(timezone.localdate()).filter(provider_id__in=provider_ids)


class RegisterMarkSerializer(AttendanceMarkSerializer):
    scoped_fields = {"placement": _register_placements}

    class Meta(AttendanceMarkSerializer.Meta):
        fields = ["placement", "date", "session", "code", "minutes_late", "absence_reason", "note"]

    def _record(self, **values):
        with validation_errors_as_400():
            return services.attendance_record(
                actor=request_user(self), source=AttendanceMark.Source.PROVIDER_STAFF, **values
            )


class RegisterSessionSerializer(serializers.Serializer):
    session = serializers.ChoiceField(choices=Session.choices)
    code = serializers.CharField(allow_null=True, help_text="The mark sent, or null")
    minutes_late = serializers.IntegerField()


class RegisterRowSerializer(serializers.Serializer):
    placement = serializers.IntegerField()
    provider = serializers.IntegerField()
    pupil = serializers.CharField(help_text="The pupil's name")
    sessions = RegisterSessionSerializer(many=True)


class RegisterSerializer(serializers.Serializer):
    date = serializers.DateField()
    rows = RegisterRowSerializer(many=True)


class RegisterView(GenericAPIView):
    """Today's register at your provider: each pupil's name and sessions, and nothing else about
    them. Provider staff reach the API only here."""

    provider_staff_allowed = True
    parser_classes = [SafeJSONParser]
    serializer_class = RegisterMarkSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(responses={200: RegisterSerializer})
    def get(self, request):
        today = timezone.localdate()
        rows = []
        for provider_id in sorted(user_scope(request.user).provider_ids):
            for row in selectors.register_rows(provider_id=provider_id, day=today):
                sessions = []
                for session in row.sessions:
                    mark = row.marks.get(session)
                    sessions.append(
                        {
                            "session": session,
                            "code": mark.code if mark else None,
                            "minutes_late": mark.minutes_late if mark else 0,
                        }
                    )
                rows.append(
                    {
                        "placement": row.placement.pk,
                        "provider": provider_id,
                        "pupil": row.placement.pupil.full_name,
                        "sessions": sessions,
                    }
                )
        return Response(RegisterSerializer({"date": today, "rows": rows}).data)

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="RegisterMarkOneOrMany",
            serializers=[RegisterMarkSerializer, RegisterMarkSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={201: RegisterMarkSerializer(many=True)},
        description="Send marks for today's register (one or a list, all or nothing).",
    )
    def post(self, request):
        many = isinstance(request.data, list)
        serializer = self.get_serializer(data=request.data, many=many)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)
