from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("pupils/new/", views.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
]
