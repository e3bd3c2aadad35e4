"""REST API v1 for learning plans (with their milestones), reviews, qualifications and outcomes:
the pupils whose plans the pages show, checked by the pages' own forms, saved by their services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets

from apdash.api import (
    ApiViewSet,
    IdFilter,
    PageFormSerializer,
    ScopedChoicesMixin,
    as_form_data,
    form_errors_as_400,
    request_user,
    validation_errors_as_400,
)
from placements.core.models import Placement
from placements.core.selectors import visible_placements
from placements.plans import selectors, services
from placements.plans.forms import (
    ATTENDEES,
    LearningPlanForm,
    MilestoneForm,
    OutcomeForm,
    QualificationForm,
    ReviewForm,
)
from placements.plans.models import (
    LearningPlan,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    Outcome,
    Qualification,
    Review,
)
from providers.selectors import visible_providers


def _pupils_to_change(user):
    """Pupils whose plans the user reads (the pages' `plan_pupils`); changing one also needs
    `placements.change_pupil`, checked in `_check_may_change`."""
    return selectors.plan_pupils(user)


def _check_may_change(user, pupil):
    if pupil is not None and not user.has_perm("placements.change_pupil", pupil):
        raise serializers.ValidationError({"pupil": ["You cannot change this pupil's plan."]})


class PlanWriteViewSet(ApiViewSet):
    """Create, read, list and update, by those who manage placements (`placements.manage_plans`),
    for the pupils in their scope (`placements.change_pupil` on the record's pupil)."""

    create_perm = "placements.manage_plans"
    change_perm = "placements.change_pupil"

    def perm_object(self, obj):
        return obj.pupil


# --- Learning plans and milestones ---------------------------------------------------------------


class MilestoneSerializer(PageFormSerializer):
    id = serializers.IntegerField(
        required=False, help_text="An existing milestone to change; leave out to add one"
    )

    class Meta:
        model = Milestone
        fields = ["id", "description", "measure", "target_date", "status", "met_on"]
        read_only_fields = ["met_on"]

    def page_form(self, data):
        return MilestoneForm(data)

    def validate(self, attrs):
        # The page's radios start at "not started".
        attrs.setdefault("status", MilestoneStatus.NOT_STARTED)
        return super().validate(attrs)


class LearningPlanSerializer(ScopedChoicesMixin, PageFormSerializer):
    scoped_fields = {"pupil": _pupils_to_change}
    milestones = MilestoneSerializer(
        many=True,
        required=False,
        help_text="The plan's milestones. On a write, each one given is added (no id) or changed (its "
        "id); milestones left out are kept.",
    )

    class Meta:
        model = LearningPlan
        fields = ["id", "pupil", "needs_summary", "rationale", "goal", "goal_target_date", "milestones"]

    def page_form(self, data):
        return LearningPlanForm(data, today=timezone.localdate())

    def current_values(self):
        values = super().current_values()
        values.pop("milestones", None)
        return values

    def validate(self, attrs):
        pupil = attrs.get("pupil", getattr(self.instance, "pupil", None))
        if self.instance is not None and "pupil" in attrs and attrs["pupil"] != self.instance.pupil:
            raise serializers.ValidationError({"pupil": ["A plan stays with its pupil."]})
        _check_may_change(request_user(self), pupil)
        return super().validate(attrs)

    @transaction.atomic
    def _save(self, validated_data, plan=None):
        milestones = validated_data.pop("milestones", [])
        pupil = validated_data.pop("pupil", None) or plan.pupil
        with validation_errors_as_400():
            plan = services.learning_plan_save(
                actor=request_user(self), pupil=pupil, plan=plan, **validated_data
            )
            existing = {m.pk: m for m in plan.milestones.all()}
            for fields in milestones:
                milestone_id = fields.pop("id", None)
                if milestone_id is not None and milestone_id not in existing:
                    raise serializers.ValidationError(
                        {"milestones": [f"Milestone {milestone_id} is not part of this plan."]}
                    )
                services.milestone_save(
                    actor=request_user(self), plan=plan, milestone=existing.get(milestone_id), **fields
                )
        return LearningPlan.objects.prefetch_related("milestones").get(pk=plan.pk)

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data, plan=instance)


class PupilRecordFilter(filters.FilterSet):
    pupil = IdFilter(field_name="pupil_id")


class LearningPlanFilter(PupilRecordFilter):
    class Meta:
        model = LearningPlan
        fields = ["pupil", "goal"]


class LearningPlanViewSet(PlanWriteViewSet):
    serializer_class = LearningPlanSerializer
    filterset_class = LearningPlanFilter

    def get_queryset(self):
        return (
            LearningPlan.objects.filter(pupil__in=selectors.plan_pupils(self.request.user))
            .prefetch_related(
                Prefetch("milestones", queryset=Milestone.objects.order_by("target_date", "pk"))
            )
            .order_by("pupil__last_name", "pupil__first_name", "id")
        )


# --- Reviews -------------------------------------------------------------------------------------


class MilestoneProgressSerializer(serializers.ModelSerializer):
    milestone = serializers.IntegerField(source="milestone_id", help_text="One of the plan's milestones")

    class Meta:
        model = MilestoneProgress
        fields = ["milestone", "status", "note"]
        extra_kwargs = {"note": {"required": False}}


def _plans_to_change(user):
    return LearningPlan.objects.filter(pupil__in=selectors.plan_pupils(user))


class ReviewSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    """A review, checked by the review page's form. `progress` gives each milestone's status as
    agreed; a milestone left out keeps its status, as the page's form is pre-filled."""

    scoped_fields = {"plan": _plans_to_change}
    progress = MilestoneProgressSerializer(many=True, required=False)

    class Meta:
        model = Review
        fields = [
            "id",
            "plan",
            "date",
            *[name for name, _ in ATTENDEES],
            "attendance_summary",
            "behaviour_summary",
            "pupil_view",
            "decisions",
            "next_review_on",
            "progress",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by"]

    def validate(self, attrs):
        plan = attrs["plan"]
        _check_may_change(request_user(self), plan.pupil)
        milestones = list(selectors.milestones_of(plan))
        given = {row["milestone_id"]: row for row in attrs.get("progress", [])}
        unknown = set(given) - {m.pk for m in milestones}
        if unknown:
            raise serializers.ValidationError(
                {"progress": [f"Milestone {sorted(unknown)[0]} is not part of this pupil's plan."]}
            )
        form = ReviewForm(None, milestones=milestones, today=timezone.localdate())
        data = as_form_data(form, attrs)
        data["attendees"] = [name for name, _ in ATTENDEES if attrs.get(name)]
        for m in milestones:
            data[f"milestone_{m.pk}"] = given[m.pk]["status"] if m.pk in given else m.status
            data[f"milestone_{m.pk}_note"] = given.get(m.pk, {}).get("note", "")
        form = ReviewForm(data, milestones=milestones, today=timezone.localdate())
        form_errors_as_400(form)
        return {"plan": plan, "fields": form.review_fields(), "progress": form.progress()}

    def create(self, validated_data):
        with validation_errors_as_400():
            return services.review_record(
                actor=request_user(self),
                plan=validated_data["plan"],
                progress=validated_data["progress"],
                **validated_data["fields"],
            )


class ReviewFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    pupil = IdFilter(field_name="plan__pupil_id")

    class Meta:
        model = Review
        fields = ["plan", "pupil"]


class ReviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reviews are minutes of a meeting: recorded and read, not changed (as on the pages)."""

    permission_classes = ApiViewSet.permission_classes
    parser_classes = ApiViewSet.parser_classes
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    create_perm = "placements.manage_plans"

    def get_queryset(self):
        return (
            Review.objects.filter(plan__pupil__in=selectors.plan_pupils(self.request.user))
            .prefetch_related("progress")
            .order_by("-date", "-id")
        )


# --- Qualifications and outcomes -----------------------------------------------------------------


class QualificationSerializer(ScopedChoicesMixin, PageFormSerializer):
    scoped_fields = {"pupil": _pupils_to_change, "provider": visible_providers}

    class Meta:
        model = Qualification
        fields = [
            "id",
            "pupil",
            "area",
            "subject",
            "level",
            "awarding_body",
            "provider",
            "entered",
            "result",
            "result_on",
        ]

    def page_form(self, data):
        return QualificationForm(
            data,
            instance=self.instance if isinstance(self.instance, Qualification) else None,
            providers=visible_providers(request_user(self)).order_by("name"),
        )

    def validate(self, attrs):
        if self.instance is not None and "pupil" in attrs and attrs["pupil"] != self.instance.pupil:
            raise serializers.ValidationError({"pupil": ["A qualification stays with its pupil."]})
        _check_may_change(request_user(self), attrs.get("pupil", getattr(self.instance, "pupil", None)))
        return super().validate(attrs)

    def create(self, validated_data):
        with validation_errors_as_400():
            return services.qualification_save(actor=request_user(self), **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("pupil", None)
        with validation_errors_as_400():
            return services.qualification_save(
                actor=request_user(self), pupil=instance.pupil, qualification=instance, **validated_data
            )


class QualificationFilter(PupilRecordFilter):
    class Meta:
        model = Qualification
        fields = ["pupil", "area", "entered"]


class QualificationViewSet(PlanWriteViewSet):
    serializer_class = QualificationSerializer
    filterset_class = QualificationFilter

    def get_queryset(self):
        return Qualification.objects.filter(pupil__in=selectors.plan_pupils(self.request.user)).order_by(
            "pupil_id", "area", "subject", "id"
        )


class OutcomeSerializer(ScopedChoicesMixin, PageFormSerializer):
    scoped_fields = {"pupil": _pupils_to_change, "placement": visible_placements}

    class Meta:
        model = Outcome
        fields = [
            "id",
            "pupil",
            "placement",
            "recorded_on",
            "reintegrated_on",
            "destination",
            "destination_name",
            "sustained",
            "notes",
        ]

    def page_form(self, data):
        pupil = getattr(self, "_pupil", None)
        placements = selectors.pupil_placements(pupil) if pupil else Placement.objects.none()
        return OutcomeForm(data, placements=placements, today=timezone.localdate())

    def validate(self, attrs):
        self._pupil = attrs.get("pupil")
        _check_may_change(request_user(self), self._pupil)
        return super().validate(attrs)

    def create(self, validated_data):
        with validation_errors_as_400():
            return services.outcome_record(actor=request_user(self), **validated_data)


class OutcomeFilter(PupilRecordFilter):
    class Meta:
        model = Outcome
        fields = ["pupil", "destination"]


class OutcomeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Outcomes are recorded and read (as on the pupil's page)."""

    permission_classes = ApiViewSet.permission_classes
    parser_classes = ApiViewSet.parser_classes
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilter
    create_perm = "placements.manage_plans"

    def get_queryset(self):
        return Outcome.objects.filter(pupil__in=selectors.plan_pupils(self.request.user)).order_by(
            "-recorded_on", "-id"
        )
