from django.urls import path

from . import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.index, name="index"),
    path("inbox/", views.inbox, name="inbox"),
    path("concerns/new/", views.concern_start, name="concern_start"),
    path("pupils/<int:pupil_id>/concerns/new/", views.concern_raise, name="concern_raise"),
    path("pupils/<int:pupil_id>/chronology/", views.pupil_chronology, name="chronology"),
    path("pupils/<int:pupil_id>/transfer/", views.pupil_transfer, name="transfer"),
    path("pupils/<int:pupil_id>/file.pdf", views.pupil_file_pdf, name="pupil_file_pdf"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/acknowledge/", views.concern_acknowledge, name="concern_acknowledge"),
    path("concerns/<int:pk>/entries/new/", views.concern_entry_add, name="entry_add"),
    path("concerns/<int:pk>/close/", views.concern_close, name="concern_close"),
    path("concerns/<int:pk>/access-log/", views.concern_access_log, name="access_log"),
    path("placements/<int:placement_id>/", views.placement_safeguarding, name="placement"),
    path(
        "placements/<int:placement_id>/risk-assessments/new/",
        views.risk_assessment_create,
        name="risk_assessment_create",
    ),
    path(
        "placements/<int:placement_id>/risk-assessments/<int:pk>/approve/",
        views.risk_assessment_approve,
        name="risk_assessment_approve",
    ),
    path("placements/<int:placement_id>/inductions/new/", views.induction_create, name="induction_create"),
]
