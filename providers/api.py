"""REST API v1 for the provider register."""

from django.utils import timezone
from django_filters import rest_framework as filters

from apdash.api import ApiViewSet, FullCleanSerializer, request_user, validation_errors_as_400
from providers import services
from providers.selectors import visible_providers

from .models import Provider


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
        ]

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
