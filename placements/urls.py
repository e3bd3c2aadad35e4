from django.urls import path

from .views import attendance, pupils, register, visits

app_name = "placements"

urlpatterns = [
    path("pupils/", pupils.pupil_list, name="pupil_list"),
    path("pupils/new/", pupils.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/", pupils.pupil_detail, name="pupil_detail"),
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
]
