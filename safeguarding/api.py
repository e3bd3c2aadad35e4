"""The `concerns` API: any staff member may raise one; reads follow the same rules as the pages
(the DSLs in full, the raiser what they wrote and its status, anyone else a 404); the
chronology (`entries`) is for DSLs only. Nothing here updates or deletes. Risk assessments and
inductions: recorded and read as on the placement's safeguarding page."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.response import Response

from apdash.access import RegisterOnlyForProviderStaff
from apdash.accounts import needs_two_factor
from apdash.api import (
    IdFilter,
    PageFormSerializer,
    ScopedChoicesMixin,
    validation_errors_as_400,
)
from apdash.parsers import SafeJSONParser
from placements.core.selectors import visible_placements
from placements.models import Placement, Pupil

from . import selectors, services
from .forms import InductionForm, RiskAssessmentForm
from .models import Concern, ConcernEntry, Induction, RiskAssessment, concern_categories


class TwoFactorForSafeguardingRoles(permissions.BasePermission):
    """DSLs and heads: a token (only issued with a one-time code) or a two-factor-verified session."""

    message = "Two-factor authentication is required for your role."

    def has_permission(self, request, view):
        user = request.user
        if not needs_two_factor(user):
            return True
        if isinstance(request.auth, Token):
            return True
        verified = getattr(request._request.user, "is_verified", None)
        return bool(verified and verified())


class ConcernEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ConcernEntry
        fields = ["id", "kind", "referral_to", "decision", "corrects", "text", "author", "created_at"]
        read_only_fields = fields


class ConcernSerializer(serializers.ModelSerializer):
    pupil = serializers.PrimaryKeyRelatedField(queryset=Pupil.objects.none())
    placement = serializers.PrimaryKeyRelatedField(
        queryset=Placement.objects.none(), required=False, allow_null=True
    )
    category = serializers.ChoiceField(choices=[])
    occurred_at = serializers.DateTimeField(required=False, help_text="When it happened (default: now)")

    class Meta:
        model = Concern
        fields = [
            "id",
            "pupil",
            "placement",
            "category",
            "description",
            "urgency",
            "status",
            "raised_by",
            "raised_at",
            "occurred_at",
            "location",
            "immediate_action",
        ]
        read_only_fields = ["id", "status", "raised_by", "raised_at"]

    def get_fields(self):
        fields = super().get_fields()
        fields["category"].choices = concern_categories()
        request = self.context.get("request")
        if request is not None:
            fields["pupil"].queryset = selectors.raisable_pupils(request.user)
            fields["placement"].queryset = visible_placements(request.user)
        return fields

    def create(self, validated_data):
        request = self.context["request"]
        validated_data.setdefault("occurred_at", timezone.now())
        try:
            return services.concern_raise(
                actor=request.user, ip=request.META.get("REMOTE_ADDR"), **validated_data
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            ) from exc
        except DjangoPermissionDenied as exc:
            raise serializers.ValidationError({"pupil": "No such pupil."}) from exc


class ConcernFilter(filters.FilterSet):
    # An id you may not see answers as an id that does not exist: an empty list, never a 400.
    pupil = IdFilter(field_name="pupil_id")

    class Meta:
        model = Concern
        fields = ["status", "urgency", "pupil"]


class ConcernViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConcernSerializer
    permission_classes = [
        permissions.IsAuthenticated,
        RegisterOnlyForProviderStaff,
        TwoFactorForSafeguardingRoles,
    ]
    # Provider staff raise concerns about pupils placed with them and read back what they wrote.
    provider_staff_allowed = True
    filterset_class = ConcernFilter

    def get_queryset(self):
        return selectors.visible_concerns(self.request.user).order_by("-raised_at", "-id")

    def _ip(self):
        return self.request.META.get("REMOTE_ADDR")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        services.concern_reads_record(
            actor=request.user,
            concerns=page,
            action="concern.list_viewed",
            ip=self._ip(),
            details={"via": "api"},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        concern = self.get_object()
        services.concern_reads_record(
            actor=request.user, concerns=[concern], ip=self._ip(), details={"via": "api"}
        )
        return Response(self.get_serializer(concern).data)

    @action(detail=True, methods=["get"], serializer_class=ConcernEntrySerializer, pagination_class=None)
    def entries(self, request, pk=None):
        concern = self.get_object()
        if not selectors.dsl_concerns(request.user).filter(pk=concern.pk).exists():
            raise Http404
        entries = list(selectors.concern_entries(concern))
        services.concern_reads_record(
            actor=request.user,
            concerns=[concern],
            ip=self._ip(),
            details={"via": "api", "entries": [e.pk for e in entries]},
        )
        return Response(ConcernEntrySerializer(entries, many=True).data)


# --- Risk assessments and inductions (G §4, §3e) -------------------------------------------------


class RiskAssessmentSerializer(ScopedChoicesMixin, PageFormSerializer):
    """Checked by the risk assessment page's form and recorded by its service (which refuses a
    review date in the past). `approve`: the caller approves it as they record it."""

    scoped_fields = {"placement": visible_placements}
    approve = serializers.BooleanField(default=False, write_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "placement",
            "journey",
            "at_setting",
            "hazards",
            "controls",
            "review_date",
            "approve",
            "approved_by",
            "approved_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["approved_by", "approved_at", "created_by", "created_at"]

    def page_form(self, data):
        return RiskAssessmentForm(data)

    def create(self, validated_data):
        request = self.context["request"]
        with validation_errors_as_400():
            return services.risk_assessment_record(
                actor=request.user, ip=request.META.get("REMOTE_ADDR"), **validated_data
            )


class PlacementRecordFilter(filters.FilterSet):
    placement = IdFilter(field_name="placement_id")
    pupil = IdFilter(field_name="placement__pupil_id")


class RiskAssessmentFilter(PlacementRecordFilter):
    class Meta:
        model = RiskAssessment
        fields = ["placement", "pupil"]


class SafeguardingRecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Recorded and read on the placement's safeguarding page, never changed; the same second
    factor for DSLs and heads."""

    permission_classes = [
        permissions.IsAuthenticated,
        RegisterOnlyForProviderStaff,
        TwoFactorForSafeguardingRoles,
    ]
    parser_classes = [SafeJSONParser]


class RiskAssessmentViewSet(SafeguardingRecordViewSet):
    """School staff read and record risk assessments (provider staff do not see them)."""

    serializer_class = RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilter

    def get_queryset(self):
        if not selectors.may_manage_risk_assessments(self.request.user):
            return RiskAssessment.objects.none()
        return RiskAssessment.objects.filter(placement__in=visible_placements(self.request.user)).order_by(
            "-created_at", "-id"
        )

    def create(self, request, *args, **kwargs):
        if not selectors.may_manage_risk_assessments(request.user):
            raise Http404
        return super().create(request, *args, **kwargs)


class InductionSerializer(ScopedChoicesMixin, PageFormSerializer):
    scoped_fields = {"placement": visible_placements}

    class Meta:
        model = Induction
        fields = [
            "id",
            "placement",
            "date",
            "told_who_dsl_is",
            "told_what_to_do_if_unsafe",
            "provider_dsl_name",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]

    def page_form(self, data):
        return InductionForm(data)

    def create(self, validated_data):
        request = self.context["request"]
        with validation_errors_as_400():
            return services.induction_record(
                actor=request.user, ip=request.META.get("REMOTE_ADDR"), **validated_data
            )


class InductionFilter(PlacementRecordFilter):
    class Meta:
        model = Induction
        fields = ["placement", "pupil"]


class InductionViewSet(SafeguardingRecordViewSet):
    """Anyone who sees the placement reads and records its induction (provider staff included)."""

    serializer_class = InductionSerializer
    filterset_class = InductionFilter
    # The provider records the pupil's induction at the setting, as on the page.
    provider_staff_allowed = True

    def get_queryset(self):
        return Induction.objects.filter(placement__in=visible_placements(self.request.user)).order_by(
            "-date", "-id"
        )
