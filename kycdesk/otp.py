"""The two-factor steps after the password: enrol a TOTP device (QR code), then verify a code.

Enrolment is only offered to an account that has no confirmed device: replacing a device is
done by a superuser deleting the old one in the admin (OTP > TOTP devices), never by whoever
holds the password.
"""

from __future__ import annotations

import base64
import io
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kycdesk.security import has_confirmed_device
from kycdesk.services import audit

DEVICE_NAME = "kycdesk authenticator"


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/admin/"


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (the CSP allows data: images, no inline markup needed)."""
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _context(request: HttpRequest, **extra) -> dict:
    return {**admin.site.each_context(request), "next": _next_url(request), **extra}


@never_cache
@staff_member_required
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if has_confirmed_device(user):
        return HttpResponseRedirect(f"{reverse('kycdesk-otp-verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            audit.record(action="otp_enrolled", actor=user, ip=audit.client_ip(request))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", "That code is not right (or has been used). Try the next one.")
    return render(
        request,
        "admin/kycdesk/otp_setup.html",
        _context(
            request,
            title="Set up two-factor login",
            form=form,
            qr=qr_data_uri(device.config_url),
            secret=b32encode(device.bin_key).decode(),
        ),
    )


@never_cache
@staff_member_required
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_confirmed_device(user):
        return HttpResponseRedirect(f"{reverse('kycdesk-otp-setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        # Each device throttles its own failures (django-otp ThrottlingMixin).
        for device in devices_for_user(user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                audit.record(action="otp_verified", actor=user, ip=audit.client_ip(request))
                return HttpResponseRedirect(_next_url(request))
        audit.record(action="otp_failed", actor=user, ip=audit.client_ip(request))
        form.add_error("token", "That code is not right. After several wrong codes, each try waits longer.")
    return render(request, "admin/kycdesk/otp_verify.html", _context(request, title="Two-factor login", form=form))
