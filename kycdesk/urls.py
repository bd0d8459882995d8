from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from kycdesk import health, media, otp, webhooks
from kycdesk.admin.erase import retention_preview


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask every site for /favicon.ico (a PDF or video opened on its own too): our icon, not a 404."""
    return HttpResponsePermanentRedirect(static("kycdesk/favicon.svg"))


urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/media/<int:media_id>/", media.serve_media, name="media"),
    path("admin/media/<int:media_id>/thumb/", media.serve_thumbnail, name="media-thumbnail"),
    path("admin/otp/setup/", otp.setup, name="kycdesk-otp-setup"),
    path("admin/otp/verify/", otp.verify, name="kycdesk-otp-verify"),
    path("admin/retention/", admin.site.admin_view(retention_preview), name="kycdesk-retention"),
    path("admin/", admin.site.urls),
    path("webhooks/<str:vendor>/", webhooks.receive, name="webhook"),
    path("webhooks/<str:vendor>/<str:token>/", webhooks.receive, name="webhook-token"),
    path("sandbox/", include("providers.sandbox.urls")),
]
