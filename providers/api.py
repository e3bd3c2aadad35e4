"""REST API v1 for the provider register."""

from django.utils import timezone
from django_filters import rest_framework as filters
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.settings import api_settings

from apdash.access import RegisterOnlyForProviderStaff
from apdash.api import (
    ApiViewSet,
    FullCleanSerializer,
    IdFilter,
    PageFormSerializer,
    RulesWritePermission,
    ScopedChoicesMixin,
    request_user,
    validation_errors_as_400,
)
from apdash.parsers import SafeJSONParser
from providers.selectors import visible_providers

from . import selectors, services
from .forms_quality import FRAMEWORK_AREAS, ProviderAuditForm, QAVisitForm
from .models import Provider, ProviderAudit, QAVisit


class ProviderSerializer(FullCleanSerializer):
    class Meta:
        model = Provider
        fields = [
            "id",
            "name",
            "registration_status",
            "exempt_reason",
            "urn",
            "ukprn",
            "provider_type",
            "address",
            "postcode",
            "registration_checked_on",
            "registration_check_notes",
            "contact_name",
            "contact_email",
            "contact_phone",
            "dsl_name",
            "dsl_email",
            "dsl_phone",
            "ofsted_grade",
            "ofsted_inspected_on",
            "directory_registered",
            "gias_type",
            "gias_status",
            "gias_checked_on",
        ]
        # DfE's facts come from the GIAS import, never from a client.
        read_only_fields = ["gias_type", "gias_status", "gias_checked_on"]

    def resolve(self, validated_data: dict) -> dict:
        """A registration status set or changed without a check date was checked today: every
        status records when it was last checked (para 402)."""
        status = validated_data.get("registration_status")
        changed = status is not None and (
            self.instance is None or status != self.instance.registration_status
        )
        if changed and not validated_data.get("registration_checked_on"):
            validated_data["registration_checked_on"] = timezone.localdate()
        return validated_data

    def create(self, validated_data):
        with validation_errors_as_400():
            return services.provider_create(actor=request_user(self), **self.resolve(validated_data))

    def update(self, instance, validated_data):
        with validation_errors_as_400():
            return services.provider_update(
                actor=request_user(self), provider=instance, **self.resolve(validated_data)
            )


class ProviderFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Provider
        fields = ["name", "registration_status", "provider_type", "directory_registered"]


class ProviderViewSet(ApiViewSet):
    serializer_class = ProviderSerializer
    filterset_class = ProviderFilter
    create_perm = "providers.add_provider"
    change_perm = "providers.change_provider"

    def get_queryset(self):
        # The register is for school and partnership staff; provider staff only record attendance.
        if not self.request.user.has_perm("providers.view_provider_register"):
            return Provider.objects.none()
        return visible_providers(self.request.user).order_by("name", "id")


# --- Audits and QA visits (G §3a–e) --------------------------------------------------------------


class ProviderAuditSerializer(ScopedChoicesMixin, PageFormSerializer):
    """The annual directory audit, checked by the audit page's form. The caller is the auditor."""

    scoped_fields = {"provider": visible_providers}

    class Meta:
        model = ProviderAudit
        fields = [
            "id",
            "provider",
            "audited_on",
            "single_central_record_checked",
            "dsl_confirmed",
            "insurance_expires_on",
            "health_and_safety_checked",
            "registration_law_understood",
            "safeguarding_checks_confirmed_in_writing",
            "outcome",
            "next_due_on",
            "notes",
        ]

    def page_form(self, data):
        if data is not None and "auditor" not in data:
            user = request_user(self)
            data = {**data, "auditor": self.instance.auditor if self.instance else _name_of(user)}
        return ProviderAuditForm(data, today=timezone.localdate())

    def create(self, validated_data):
        with validation_errors_as_400():
            return services.provider_audit_record(
                actor=request_user(self), auditor=_name_of(request_user(self)), **validated_data
            )


def _name_of(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


class ProviderAuditFilter(filters.FilterSet):
    provider = IdFilter(field_name="provider_id")

    class Meta:
        model = ProviderAudit
        fields = ["provider", "outcome"]


class ProviderAuditViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Audits are records of what was found on the day: recorded and read, never changed."""

    permission_classes = [permissions.IsAuthenticated, RegisterOnlyForProviderStaff, RulesWritePermission]
    parser_classes = [SafeJSONParser]
    serializer_class = ProviderAuditSerializer
    filterset_class = ProviderAuditFilter
    create_perm = "providers.change_provider"

    def get_queryset(self):
        if not self.request.user.has_perm("providers.view_provider_register"):
            return ProviderAudit.objects.none()
        return selectors.audits_visible_to(self.request.user).order_by("-audited_on", "-id")


class QAVisitSerializer(ScopedChoicesMixin, PageFormSerializer):
    """A QA visit against the partnership's framework, checked by the QA visit page's form. It is
    recorded for the caller's school (and shared with its partnership unless
    `share_with_partnership` is false) or for a co-ordinator's partnership."""

    scoped_fields = {"provider": visible_providers}
    share_with_partnership = serializers.BooleanField(default=True, write_only=True)

    class Meta:
        model = QAVisit
        fields = [
            "id",
            "provider",
            "partnership",
            "school",
            "visited_on",
            "visitor",
            *[name for name, _ in FRAMEWORK_AREAS],
            "strengths",
            "actions",
            "judgement",
            "share_with_partnership",
        ]
        read_only_fields = ["partnership", "school"]

    def page_form(self, data):
        school, partnership = selectors.qa_visit_recorder(request_user(self))
        return QAVisitForm(
            data, today=timezone.localdate(), can_share=school is not None and partnership is not None
        )

    def create(self, validated_data):
        user = request_user(self)
        school, partnership = selectors.qa_visit_recorder(user)
        shared = validated_data.pop("share_with_partnership", True)
        if school is None and partnership is None:
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: ["You are not a member of a school or partnership."]}
            )
        with validation_errors_as_400():
            return services.qa_visit_record(
                actor=user,
                school=school,
                partnership=partnership if shared or school is None else None,
                **validated_data,
            )


class QAVisitFilter(filters.FilterSet):
    provider = IdFilter(field_name="provider_id")
    visited_from = filters.DateFilter(field_name="visited_on", lookup_expr="gte")

    class Meta:
        model = QAVisit
        fields = ["provider", "judgement", "visited_from"]


class QAVisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """QA visits shared with a partnership are read by each of its schools, no other."""

    permission_classes = [permissions.IsAuthenticated, RegisterOnlyForProviderStaff, RulesWritePermission]
    parser_classes = [SafeJSONParser]
    serializer_class = QAVisitSerializer
    filterset_class = QAVisitFilter
    create_perm = "providers.change_provider"

    def get_queryset(self):
        if not self.request.user.has_perm("providers.view_provider_register"):
            return QAVisit.objects.none()
        return selectors.qa_visits_visible_to(self.request.user).order_by("-visited_on", "-id")
