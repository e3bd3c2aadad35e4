from django.urls import path

from .views import pupils

app_name = "placements"

urlpatterns = [
    path("pupils/", pupils.pupil_list, name="pupil_list"),
    path("pupils/new/", pupils.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/", pupils.pupil_detail, name="pupil_detail"),
]
