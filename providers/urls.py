from django.urls import path

from . import views, views_quality

app_name = "providers"

urlpatterns = [
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/gias/", views.gias_upload, name="gias_upload"),
    path("providers/quality/", views_quality.quality_list, name="quality_list"),
    path("providers/<int:provider_id>/audits/new/", views_quality.audit_create, name="audit_create"),
    path("providers/<int:provider_id>/qa-visits/new/", views_quality.qa_visit_create, name="qa_visit_create"),
    path("providers/qa-visits/<int:pk>/", views_quality.qa_visit_detail, name="qa_visit_detail"),
    path("providers/qa-visits/<int:pk>/report/", views_quality.qa_report_download, name="qa_report_download"),
]
