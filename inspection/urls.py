from django.urls import path

from . import views

app_name = "inspection"

urlpatterns = [
    path("", views.readiness, name="readiness"),
    path("packs/", views.pack_list, name="pack_list"),
    path("packs/<int:pk>/", views.pack_detail, name="pack_detail"),
    path("packs/<int:pk>/download/", views.pack_download, name="pack_download"),
    path("packs/<int:pk>/retry/", views.pack_retry, name="pack_retry"),
    path("census/", views.census_export, name="census_export"),
    path("la-return/", views.la_return, name="la_return"),
    path("governors/", views.governor_report, name="governor_report"),
]
