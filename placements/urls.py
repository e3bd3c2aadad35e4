from django.urls import path

from .attendance import views as attendance
from .compliance import views as compliance
from .core import views as core
from .core import views_ctf as ctf
from .core import views_notices as notices
from .plans import views as plans
from .visits import views as visits
from .workspace import views as workspace

app_name = "placements"

urlpatterns = [
    path("pupils/", workspace.pupil_list, name="pupil_list"),
    path("pupils/new/", core.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/", workspace.pupil_detail, name="pupil_detail"),
    path("pupils/<int:pk>/edit/", core.pupil_edit, name="pupil_edit"),
    path("flags/", compliance.flag_list, name="flag_list"),
    path("flags/<int:pk>/resolve/", compliance.flag_resolve, name="flag_resolve"),
    path("pupils/export.csv", workspace.pupil_export, name="pupil_export"),
    path("pupils/import/", core.pupil_import, name="pupil_import"),
    path("pupils/import/ctf/", ctf.ctf_import, name="ctf_import"),
    path("pupils/import/sample.csv", core.pupil_import_sample, name="pupil_import_sample"),
    path("today/", workspace.today_board, name="today"),
    path("placements/new/", core.placement_create, name="placement_create"),
    path("placements/hours-check/", core.placement_hours_check, name="placement_hours_check"),
    path("placements/export.csv", core.placement_export, name="placement_export"),
    path("placements/<int:pk>/edit/", core.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/end/", core.placement_end, name="placement_end"),
    path("placements/<int:pk>/notices/", notices.placement_notices, name="placement_notices"),
    path(
        "placements/<int:pk>/notice-to-parents.pdf", notices.parental_notice_pdf, name="parental_notice_pdf"
    ),
    path("register/<str:token>/", attendance.register_by_link, name="register_by_link"),
    path("provider/<int:provider_id>/register/", attendance.provider_register, name="provider_register"),
    path("attendance/register/", attendance.register_grid, name="register_grid"),
    path(
        "attendance/follow-up/<int:placement_id>/<str:day>/<str:session>/",
        attendance.follow_up_create,
        name="follow_up_create",
    ),
    path("attendance/figures/", attendance.attendance_figures, name="attendance_figures"),
    path("attendance/import/", attendance.attendance_import, name="attendance_import"),
    path("attendance/links/", attendance.register_links, name="register_links"),
    path("attendance/links/<int:pk>/revoke/", attendance.register_link_revoke, name="register_link_revoke"),
    path("placements/<int:placement_id>/visits/new/", visits.visit_create, name="visit_create"),
    path("visits/coverage/", visits.visit_coverage, name="visit_coverage"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("pupils/<int:pupil_id>/plan/", plans.plan_edit, name="plan_edit"),
    path("pupils/<int:pupil_id>/plan/document/", plans.plan_document, name="plan_document"),
    path("pupils/<int:pupil_id>/milestones/new/", plans.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", plans.milestone_edit, name="milestone_edit"),
    path("pupils/<int:pupil_id>/reviews/new/", plans.review_create, name="review_create"),
    path("reviews/<int:pk>/", plans.review_detail, name="review_detail"),
    path(
        "pupils/<int:pupil_id>/qualifications/new/", plans.qualification_create, name="qualification_create"
    ),
    path("qualifications/<int:pk>/edit/", plans.qualification_edit, name="qualification_edit"),
    path("pupils/<int:pupil_id>/outcomes/new/", plans.outcome_create, name="outcome_create"),
]
