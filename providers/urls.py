from django.urls import path

from . import views

app_name = "providers"

urlpatterns = [
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
]
