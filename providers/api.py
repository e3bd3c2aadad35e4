"""REST API v1 for the provider register."""

from django_filters import rest_framework as filters

from apdash.api import ApiViewSet, FullCleanSerializer
from providers.selectors import visible_providers

from .models import Provider


class ProviderSerializer(FullCleanSerializer):
    class Meta:
        model = Provider
        fields = [
            "id",
            "name",
            "registration_status",
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
