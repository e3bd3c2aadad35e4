from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import accounts, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/setup/", accounts.otp_setup, name="otp_setup"),
    path("accounts/two-factor/", accounts.otp_verify, name="otp_verify"),
    path("admin/", admin.site.urls),
    path("", include("placements.urls")),
    path("", include("providers.urls")),
    path("api/v1/", include("apdash.api_urls")),
    path("api/v1/", include("providers.api_urls")),
    path("api/v1/", include("placements.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("safeguarding/", include("safeguarding.urls")),
    path("api/v1/", include("safeguarding.api_urls")),
    path("inspection/", include("inspection.urls")),
    path("api/v1/", include("inspection.api_urls")),
]
