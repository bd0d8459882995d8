"""Request-level protections: two-factor login for staff, and the Content-Security-Policy header."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import devices_for_user

# Paths a signed-in but not yet verified staff member may reach: the login and OTP steps
# themselves, logout, and the static files those pages need.
OTP_EXEMPT_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/otp/", "/static/")
# The vendor simulators stand in for the vendors' own sites: our policy is not theirs.
CSP_EXEMPT_PREFIXES = ("/sandbox/",)


def has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


class RequireOTPMiddleware:
    """Staff who signed in with a password but have not passed the TOTP step are sent to it
    (or to enrolment when they have no device yet) before any admin page or media file.

    Read on every request, so a test can turn KYCDESK_REQUIRE_2FA on with the settings fixture.
    Must come after django_otp's OTPMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_verify(request):
            step = "kycdesk-otp-verify" if has_confirmed_device(request.user) else "kycdesk-otp-setup"
            return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request: HttpRequest) -> bool:
        if not getattr(settings, "KYCDESK_REQUIRE_2FA", False):
            return False
        if not request.path.startswith("/admin/") or request.path.startswith(OTP_EXEMPT_PREFIXES):
            return False
        user = request.user
        return bool(user.is_authenticated and user.is_staff and not user.is_verified())


class SessionIdleRefreshMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once a minute.

    ``SESSION_COOKIE_AGE`` is an inactivity limit (settings.py). Django's way to make it one,
    ``SESSION_SAVE_EVERY_REQUEST``, writes and commits the session row (and re-sends the cookie)
    on every page view; at most one write per ``KYCDESK_SESSION_REFRESH_SECONDS`` gives the same
    limit, give or take that much, without a database write per request. Must come after
    Django's SessionMiddleware (its response step saves a modified session).
    """

    KEY = "_kycdesk_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session the request used: a made-up or stale cookie on a page that
        # never reads the session (a webhook, /healthz) must not make a session row.
        if session is None or session.modified or not session.accessed or SESSION_KEY not in session:
            return response
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= getattr(settings, "KYCDESK_SESSION_REFRESH_SECONDS", 60):
            session[self.KEY] = now  # modified: SessionMiddleware saves it and renews the cookie
        return response


def policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}".strip() for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds KYCDESK_CSP as Content-Security-Policy (Django 5.2 has no built-in CSP).

    A view that sets its own policy keeps it. KYCDESK_CSP_REPORT_ONLY sends the report-only
    header instead, to try a stricter policy without breaking pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "KYCDESK_CSP", None)
        if not policy or request.path.startswith(CSP_EXEMPT_PREFIXES):
            return response
        report_only = getattr(settings, "KYCDESK_CSP_REPORT_ONLY", False)
        header = "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"
        if "Content-Security-Policy" not in response and header not in response:
            response[header] = policy_header(policy)
        return response
