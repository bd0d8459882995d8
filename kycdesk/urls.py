from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kycdesk import health, media, webhooks

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("admin/media/<int:media_id>/", media.serve_media, name="media"),
    path("admin/", admin.site.urls),
    path("webhooks/<str:vendor>/", webhooks.receive, name="webhook"),
    path("webhooks/<str:vendor>/<str:token>/", webhooks.receive, name="webhook-token"),
    path("sandbox/", include("providers.sandbox.urls")),
]
