"""REST API v1 for inspection: readiness (the same selectors and rules as the readiness page) and
evidence packs (ask for one, follow its progress, download it: the same permissions and audit as
the pack pages)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apdash.access import RegisterOnlyForProviderStaff
from apdash.api import as_form_data, form_errors_as_400, request_user
from apdash.models import Partnership, School
from apdash.parsers import SafeJSONParser
from apdash.selectors import visible_schools
from placements.models import Pupil
from safeguarding.api import TwoFactorForSafeguardingRoles

from . import packs, rules, selectors, services
from .forms import EvidencePackForm
from .models import EvidencePack

# --- Readiness -----------------------------------------------------------------------------------


class PackPagesPermission(permissions.BasePermission):
    """The readiness and pack pages are for school and partnership staff; anyone else gets a 404."""

    def has_permission(self, request, view):
        if not request.user.has_perm("placements.view_pupil_list"):
            raise Http404
        return True


class CellSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[rules.GREEN, rules.AMBER, rules.RED])
    reason = serializers.CharField()


class ReadinessSerializer(serializers.Serializer):
    pupil = serializers.IntegerField(help_text="The pupil's id")
    cells = serializers.DictField(
        child=CellSerializer(), help_text="One cell per column: " + ", ".join(c.key for c in rules.COLUMNS)
    )
    overall = serializers.ChoiceField(choices=[rules.GREEN, rules.AMBER, rules.RED])

    def to_representation(self, row):
        return {
            "pupil": row.pupil.pk,
            "cells": {
                column.key: {"status": row.cells[column.key].status, "reason": row.cells[column.key].reason}
                for column in rules.COLUMNS
            },
            "overall": row.status,
        }


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("school", OpenApiTypes.INT, description="One of your schools (default: all)")
        ]
    ),
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Pupil id")]
    ),
)
class ReadinessViewSet(viewsets.GenericViewSet):
    """Inspection readiness per pupil placed today: the readiness page's grid, cell by cell."""

    permission_classes = [permissions.IsAuthenticated, RegisterOnlyForProviderStaff, PackPagesPermission]
    serializer_class = ReadinessSerializer
    # Rows are built by the readiness selector; the queryset only names the model for the schema.
    queryset = Pupil.objects.none()

    def _readiness(self, *, school_ids, pupil_ids=None):
        return selectors.readiness_for_user(
            self.request.user, school_ids=school_ids, today=timezone.localdate(), pupil_ids=pupil_ids
        )

    def list(self, request):
        # A subquery, not a list: a national account sees thousands of schools.
        school_ids = visible_schools(request.user).values("pk")
        wanted = request.query_params.get("school")
        if wanted is not None:
            chosen = school_ids.filter(pk=wanted) if wanted.isdigit() else school_ids.none()
            school_ids = list(chosen.values_list("pk", flat=True))
            if not school_ids:
                raise Http404("No such school")
        # A page of pupils first, then the readiness of that page only: no request computes it for
        # every pupil a national account can see.
        today = timezone.localdate()
        page = self.paginate_queryset(
            selectors.readiness_pupil_ids(request.user, school_ids=school_ids, today=today)
        )
        rows = self._readiness(school_ids=school_ids, pupil_ids=list(page)).rows if page else []
        return self.get_paginated_response(ReadinessSerializer(rows, many=True).data)

    def retrieve(self, request, pk=None):
        if not str(pk).isdigit():
            raise Http404
        school_ids = visible_schools(request.user).values("pk")
        rows = self._readiness(school_ids=school_ids, pupil_ids=[int(pk)]).rows
        if not rows:
            raise Http404("No such pupil in alternative provision today")
        return Response(ReadinessSerializer(rows[0]).data)


# --- Evidence packs ------------------------------------------------------------------------------


class EvidencePackSerializer(serializers.ModelSerializer):
    school = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.none(), required=False, allow_null=True, help_text="For scope school"
    )
    pupil = serializers.PrimaryKeyRelatedField(
        queryset=Pupil.objects.none(), required=False, allow_null=True, help_text="For scope pupil"
    )
    partnership = serializers.PrimaryKeyRelatedField(
        queryset=Partnership.objects.none(),
        required=False,
        allow_null=True,
        help_text="For scope partnership",
    )

    class Meta:
        model = EvidencePack
        fields = [
            "id",
            "scope",
            "school",
            "pupil",
            "partnership",
            "date_from",
            "date_to",
            "status",
            "progress",
            "stage",
            "pages",
            "created_at",
            "finished_at",
        ]
        read_only_fields = ["id", "status", "progress", "stage", "pages", "created_at", "finished_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None and user.is_authenticated:
            choices = packs.pack_choices(user)
            fields["school"].queryset = choices["schools"]
            fields["pupil"].queryset = choices["pupils"]
            fields["partnership"].queryset = choices["partnerships"]
        return fields

    def validate(self, attrs):
        """Through the pack page's form: the same date, scope and subject rules, the same words."""
        user = request_user(self)
        choices = packs.pack_choices(user)
        scope, pupil = attrs.get("scope"), attrs.get("pupil")
        if scope == EvidencePack.Scope.PARTNERSHIP:
            if attrs.get("partnership") is None:
                raise serializers.ValidationError({"partnership": ["Choose the partnership."]})
            choices["partnerships"] = choices["partnerships"].filter(pk=attrs["partnership"].pk)
        if scope == EvidencePack.Scope.PUPIL and pupil is None:
            raise serializers.ValidationError({"pupil": ["Choose the pupil."]})
        form = EvidencePackForm(None, **choices, today=timezone.localdate())
        values = {**attrs, "upn": pupil.upn if pupil else ""}
        if scope == EvidencePack.Scope.PUPIL:
            values["school"] = pupil.school
        form = EvidencePackForm(as_form_data(form, values), **choices, today=timezone.localdate())
        form_errors_as_400(form)
        data = form.cleaned_data
        return {
            "scope": data["scope"],
            "school": data.get("school") if data["scope"] == EvidencePack.Scope.SCHOOL else None,
            "partnership": data.get("partnership")
            if data["scope"] == EvidencePack.Scope.PARTNERSHIP
            else None,
            "pupil": data.get("pupil") if data["scope"] == EvidencePack.Scope.PUPIL else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }

    def create(self, validated_data):
        user = request_user(self)
        # Per-pupil concern counts only for a DSL or the head past their second factor, as on the page.
        options = {
            "per_pupil_concerns": packs.may_see_pupil_concerns(user, packs.pack_schools(validated_data))
        }
        return services.evidence_pack_request(actor=user, options=options, **validated_data)


class EvidencePackViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Ask for a pack (it is generated by a worker), follow `status`/`progress`/`stage`, then
    download the PDF once `status` is `done`. Every download is audited."""

    permission_classes = [
        permissions.IsAuthenticated,
        RegisterOnlyForProviderStaff,
        PackPagesPermission,
        TwoFactorForSafeguardingRoles,
    ]
    parser_classes = [SafeJSONParser]
    serializer_class = EvidencePackSerializer
    filterset_fields = ["scope", "status"]

    def get_queryset(self):
        return packs.visible_packs(self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        pack = self.get_object()
        if pack.status != EvidencePack.Status.DONE or not pack.file:
            raise Http404("The pack is not ready yet")
        services.evidence_pack_download_record(
            actor=request.user, pack=pack, ip=request.META.get("REMOTE_ADDR")
        )
        return FileResponse(
            pack.file.open("rb"),
            as_attachment=True,
            filename=f"evidence-pack-{pack.pk}-{pack.created_at:%Y-%m-%d}.pdf",
            content_type="application/pdf",
        )
