"""REST API v1 for flags: read, and resolve with a reason."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apdash.access import RegisterOnlyForProviderStaff
from apdash.api import (
    IdFilter,
    RulesWritePermission,
    validation_errors_as_400,
)
from apdash.parsers import SafeJSONParser
from placements.compliance.models import Flag
from placements.compliance.selectors import visible_flags
from placements.compliance.services import flag_resolve


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "severity",
            "school",
            "pupil",
            "placement",
            "provider",
            "subject_date",
            "message",
            "details",
            "opened_at",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]
        read_only_fields = fields


class FlagResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(help_text="Why this flag is resolved")


class FlagFilter(filters.FilterSet):
    pupil = IdFilter(field_name="pupil_id")
    provider = IdFilter(field_name="provider_id")
    placement = IdFilter(field_name="placement_id")
    school = IdFilter(field_name="school_id")
    open = filters.BooleanFilter(
        method="filter_open", help_text="true: open flags only; false: resolved only"
    )

    class Meta:
        model = Flag
        fields = ["kind", "severity", "pupil", "provider", "placement", "school", "open"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(resolved_at__isnull=value)


class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    """Flags are opened by the checks; people read and resolve them."""

    permission_classes = [permissions.IsAuthenticated, RegisterOnlyForProviderStaff, RulesWritePermission]
    parser_classes = [SafeJSONParser]
    serializer_class = FlagSerializer
    filterset_class = FlagFilter
    change_perm = "placements.resolve_flag"

    def get_queryset(self):
        return visible_flags(self.request.user).order_by("-opened_at", "id")

    @extend_schema(request=FlagResolveSerializer, responses={200: FlagSerializer})
    @action(detail=True, methods=["post"], serializer_class=FlagResolveSerializer)
    def resolve(self, request, pk=None):
        flag = self.get_object()
        body = FlagResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with validation_errors_as_400():
            flag = flag_resolve(actor=request.user, flag=flag, resolution=body.validated_data["resolution"])
        return Response(FlagSerializer(flag, context=self.get_serializer_context()).data)
