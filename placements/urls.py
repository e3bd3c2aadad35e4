from django.urls import path

from .views import attendance, flags, governors, imports, placements, plans, pupils, register, today, visits

app_name = "placements"

urlpatterns = [
    path("pupils/", pupils.pupil_list, name="pupil_list"),
    path("pupils/new/", pupils.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/", pupils.pupil_detail, name="pupil_detail"),
    path("pupils/<int:pk>/edit/", pupils.pupil_edit, name="pupil_edit"),
    path("flags/", flags.flag_list, name="flag_list"),
    path("flags/<int:pk>/resolve/", flags.flag_resolve, name="flag_resolve"),
    path("pupils/export.csv", pupils.pupil_export, name="pupil_export"),
    path("pupils/import/", imports.pupil_import, name="pupil_import"),
    path("pupils/import/sample.csv", imports.pupil_import_sample, name="pupil_import_sample"),
    path("today/", today.today_board, name="today"),
    path("placements/new/", placements.placement_create, name="placement_create"),
    path("placements/hours-check/", placements.placement_hours_check, name="placement_hours_check"),
    path("placements/export.csv", placements.placement_export, name="placement_export"),
    path("placements/<int:pk>/edit/", placements.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement_end"),
    path("register/<str:token>/", register.register_by_link, name="register_by_link"),
    path("provider/<int:provider_id>/register/", register.provider_register, name="provider_register"),
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
    path("governors/", governors.governor_report, name="governor_report"),
]
