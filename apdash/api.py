"""REST API v1 for the core: tokens, partnerships, schools and the calendar, plus the pieces every
app's API shares (rules-based write permissions, Django validation errors as field-level 400s)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .access import RegisterOnlyForProviderStaff
from .accounts import needs_two_factor, otp_code_valid
from .models import AcademicYear, Closure, HalfTerm, Partnership, School, TokenSecondFactor
from .parsers import SafeJSONParser
from .selectors import partnership_ids_in_view, user_scope, visible_schools
from .services import calendar_save, closure_delete

# --- Shared pieces -------------------------------------------------------------------------------


def drf_validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A model or service ValidationError as DRF's field-level 400 body."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
                for name, messages in exc.message_dict.items()
            }
        )
    return serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})


@contextmanager
def validation_errors_as_400():
    """Run a service (or full_clean) so that its ValidationError becomes the API's 400 body."""
    try:
        yield
    except DjangoValidationError as exc:
        raise drf_validation_error(exc) from exc


class FullCleanSerializer(serializers.ModelSerializer):
    """Saves through the model's `full_clean()` (field validators and check constraints) so bad
    input is a 400, never a database error; `extra_save_fields` fills fields from the request."""

    def extra_save_fields(self) -> dict:
        return {}

    def resolve(self, validated_data: dict) -> dict:
        """Turn validated input into model field values, inside the saving transaction."""
        return validated_data

    @transaction.atomic
    def create(self, validated_data):
        instance = self.Meta.model(**self.resolve(validated_data), **self.extra_save_fields())
        return self._clean_and_save(instance)

    @transaction.atomic
    def update(self, instance, validated_data):
        for name, value in self.resolve(validated_data).items():
            setattr(instance, name, value)
        return self._clean_and_save(instance)

    def _clean_and_save(self, instance):
        with validation_errors_as_400():
            instance.full_clean()
        instance.save()
        return instance


def as_form_data(form: forms.BaseForm, values: dict) -> dict:
    """API values (already parsed: dates, booleans, objects) as the form-encoded data a page's form
    reads, so the API validates through the page's own form. A choice whose form coerces it (yes/no
    radios, scores) is given the choice that coerces to the value."""
    data = {}
    for name, field in form.fields.items():
        if name not in values:
            continue
        value = values[name]
        if isinstance(field, forms.TypedChoiceField):
            value = next(
                (key for key, _ in field.choices if key != "" and field.coerce(key) == value),
                "" if value is None else value,
            )
        elif isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, date):
            value = value.isoformat()
        elif value is None:
            value = ""
        data[name] = value
    return data


def form_errors_as_400(form: forms.BaseForm) -> None:
    """A page form's errors, word for word, as the API's field-level 400 body."""
    if not form.is_valid():
        raise serializers.ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): list(messages)
                for name, messages in form.errors.items()
            }
        )


class PageFormSerializer(serializers.ModelSerializer):
    """Validates through the page's form (`page_form(data)` returns it bound): the same clean logic
    and the same messages as the page. Input fields the form knows take its cleaned values; on an
    update, fields left out keep the record's values."""

    def page_form(self, data):
        raise NotImplementedError

    def get_fields(self):
        # What the form checks, the form words: a missing or blank value reaches it.
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or request.method in permissions.SAFE_METHODS or not request.user.is_authenticated:
            return fields
        for name in self.page_form(None).fields:
            field = fields.get(name)
            if field is None or field.read_only:
                continue
            field.required = False
            field.allow_null = True
            if isinstance(field, serializers.CharField):
                field.allow_blank = True
        return fields

    def current_values(self) -> dict:
        if self.instance is None:
            return {}
        return {name: getattr(self.instance, name, None) for name in self.fields}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        values = {**self.current_values(), **attrs}
        form = self.page_form(None)
        form = self.page_form(as_form_data(form, values))
        form_errors_as_400(form)
        return {**attrs, **{name: form.cleaned_data[name] for name in attrs if name in form.cleaned_data}}


def request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class ScopedChoicesMixin:
    """Related fields offer only what the requesting user may see or manage: `scoped_fields` maps
    a field name to a function of the user returning its queryset (none without a user, as when
    the schema is generated)."""

    scoped_fields: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        for name, queryset_for in self.scoped_fields.items():
            field = fields.get(name)
            if field is not None and getattr(field, "queryset", None) is not None:
                field.queryset = queryset_for(user) if user is not None else field.queryset.none()
        return fields


class IdFilter(filters.NumberFilter):
    """An id in a query string: a whole number, matched without revealing whether it exists."""

    field_class = forms.IntegerField


class RulesWritePermission(permissions.BasePermission):
    """Reads are scoped by each viewset's queryset (what you may not see is a 404). Writes need the
    viewset's `create_perm` (no object) or `change_perm` (checked against the object)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "create":
            perm = getattr(view, "create_perm", None)
            return bool(perm) and request.user.has_perm(perm)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        perm = getattr(view, "change_perm", None)
        # `perm_object` names what the permission is about (a plan's pupil), when not the record.
        subject = view.perm_object(obj) if hasattr(view, "perm_object") else obj
        return bool(perm) and request.user.has_perm(perm, subject)


class ApiViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Create, read, list and update — records are kept, so no delete. JSON in: nested
    timetables and lists of marks have no form encoding."""

    permission_classes = [permissions.IsAuthenticated, RegisterOnlyForProviderStaff, RulesWritePermission]
    parser_classes = [SafeJSONParser]


# --- Tokens --------------------------------------------------------------------------------------


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = (
        "Too many failed sign-in attempts for this account or from this address: sign-in is locked for "
        "a while. Try again later, or ask your administrator to unlock it."
    )
    default_code = "locked_out"


class AuthTokenSerializer(serializers.Serializer):
    """Email and password for an API token. Extra checks (a one-time code for some roles) belong
    in `validate`, after the password has been checked."""

    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The current code from the authenticator app; required for DSLs and heads.",
    )

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(request, email=attrs["email"], password=attrs["password"])
        if user is None and getattr(request, "axes_locked_out", False):
            raise LockedOut()
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": ["The email address or password is not right."]}, code="authorization"
            )
        if needs_two_factor(user) and not otp_code_valid(user, attrs.get("otp")):
            raise serializers.ValidationError(
                {"otp": ["Enter the current 6-digit code from your authenticator app: your role needs one."]},
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class AuthTokenView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [SafeJSONParser]
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        if needs_two_factor(user):
            # validate() has checked the one-time code: record that this token was issued with it.
            TokenSecondFactor.objects.update_or_create(token=token, defaults={"verified_at": timezone.now()})
        return Response({"token": token.key})


# --- Partnerships and schools --------------------------------------------------------------------


class PartnershipSerializer(FullCleanSerializer):
    class Meta:
        model = Partnership
        fields = ["id", "name", "local_authority", "dsl_name", "dsl_email"]


class PartnershipViewSet(ApiViewSet):
    serializer_class = PartnershipSerializer
    create_perm = change_perm = "apdash.manage_schools"

    def get_queryset(self):
        qs = Partnership.objects.order_by("name", "id")
        if user_scope(self.request.user).everything:
            return qs
        return qs.filter(id__in=partnership_ids_in_view(self.request.user))


class SchoolSerializer(FullCleanSerializer):
    class Meta:
        model = School
        fields = [
            "id",
            "name",
            "urn",
            "partnership",
            "la_code",
            "address",
            "dsl_name",
            "dsl_email",
            "dsl_phone",
            "am_session_start",
            "am_session_end",
            "pm_session_start",
            "pm_session_end",
        ]


class SchoolFilter(filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")

    class Meta:
        model = School
        fields = ["partnership", "urn"]


class SchoolViewSet(ApiViewSet):
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    create_perm = change_perm = "apdash.manage_schools"

    def get_queryset(self):
        return visible_schools(self.request.user).order_by("name", "id")


# --- Calendar ------------------------------------------------------------------------------------

ACADEMIC_YEAR_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def academic_year_for_label(label: str) -> AcademicYear:
    """The academic year for a checked label such as "2026/27", created (1 September to 31 August)
    if new."""
    start_year = int(label[:4])
    year, _ = AcademicYear.objects.get_or_create(
        label=label, defaults={"start_date": date(start_year, 9, 1), "end_date": date(start_year + 1, 8, 31)}
    )
    return year


class AcademicYearLabelField(serializers.CharField):
    def to_representation(self, value):
        return value.label

    def to_internal_value(self, data):
        label = super().to_internal_value(data)
        match = ACADEMIC_YEAR_LABEL.match(label)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]) or not 1900 <= int(match[1]) <= 9000:
            raise serializers.ValidationError(
                f"Give the academic year as its first and last years, for example 2026/27 (not “{label}”)."
            )
        return label


def partnerships_to_manage(user):
    """Partnerships whose calendar a user may change: all for a superuser, else their own."""
    if user_scope(user).everything:
        return Partnership.objects.all()
    return Partnership.objects.filter(id__in=user_scope(user).partnership_ids)


class CalendarSerializer(ScopedChoicesMixin, FullCleanSerializer):
    """Half terms and closures save through the calendar service (audited, pupils re-checked)."""

    def create(self, validated_data):
        return self.update(None, validated_data)

    @transaction.atomic
    def update(self, instance, validated_data):
        user, fields = request_user(self), self.resolve(validated_data)
        with validation_errors_as_400():
            return calendar_save(actor=user, model=self.Meta.model, instance=instance, fields=fields)


class HalfTermSerializer(CalendarSerializer):
    academic_year = AcademicYearLabelField(help_text="For example 2026/27; created if new.")
    scoped_fields = {"partnership": lambda user: partnerships_to_manage(user)}

    class Meta:
        model = HalfTerm
        fields = ["id", "academic_year", "name", "start_date", "end_date", "partnership"]
        # The unique (academic year, name, partnership) rule is checked by full_clean with a plain message.
        validators = []

    def resolve(self, validated_data):
        if "academic_year" in validated_data:
            validated_data["academic_year"] = academic_year_for_label(validated_data["academic_year"])
        return validated_data

    def validate(self, attrs):
        user = request_user(self)
        partnership = attrs.get("partnership", getattr(self.instance, "partnership", None))
        if partnership is None and not user_scope(user).everything:
            raise serializers.ValidationError(
                {
                    "partnership": [
                        "Choose your partnership: England's usual half terms are kept by an administrator."
                    ]
                }
            )
        return attrs


class HalfTermFilter(filters.FilterSet):
    academic_year = filters.CharFilter(field_name="academic_year__label")
    partnership = IdFilter(field_name="partnership_id")

    class Meta:
        model = HalfTerm
        fields = ["academic_year", "partnership", "name"]


class HalfTermViewSet(ApiViewSet):
    serializer_class = HalfTermSerializer
    filterset_class = HalfTermFilter
    create_perm = "apdash.manage_calendar"
    # England's usual half terms are read-only to all but superusers; a partnership edits its own.
    change_perm = "apdash.change_half_term"

    def get_queryset(self):
        qs = HalfTerm.objects.select_related("academic_year").order_by("start_date", "id")
        if user_scope(self.request.user).everything:
            return qs
        return qs.filter(
            Q(partnership__isnull=True) | Q(partnership_id__in=partnership_ids_in_view(self.request.user))
        )


def _schools_to_manage(user):
    if user_scope(user).everything:
        return School.objects.all()
    return School.objects.filter(partnership__in=partnerships_to_manage(user))


class ClosureSerializer(CalendarSerializer):
    scoped_fields = {"partnership": lambda user: partnerships_to_manage(user), "school": _schools_to_manage}

    class Meta:
        model = Closure
        fields = ["id", "date", "school", "partnership", "reason"]


class ClosureFilter(filters.FilterSet):
    school = IdFilter(field_name="school_id")
    partnership = IdFilter(field_name="partnership_id")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Closure
        fields = ["school", "partnership", "date", "date_from", "date_to"]


class ClosureViewSet(mixins.DestroyModelMixin, ApiViewSet):
    """Closures can be deleted: a wrongly entered INSET day is simply removed."""

    serializer_class = ClosureSerializer
    filterset_class = ClosureFilter
    create_perm = change_perm = "apdash.manage_calendar"

    def perform_destroy(self, instance):
        closure_delete(actor=self.request.user, closure=instance)

    def get_queryset(self):
        qs = Closure.objects.order_by("date", "id")
        user = self.request.user
        if user_scope(user).everything:
            return qs
        return qs.filter(
            Q(school_id__in=user_scope(user).school_ids) | Q(partnership_id__in=partnership_ids_in_view(user))
        )
