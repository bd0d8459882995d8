"""The launch views: pick a vendor, fill its form (the vendor's rules enforced), launch, show the link."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.module_loading import import_string

from kycdesk.models import Template, Vendor, VerificationSession
from kycdesk.services import launch, vendors
from kycdesk.services.audit import client_ip
from providers.base import Capability, ProviderError
from providers.forms import LaunchForm


def launchable_vendors() -> list[tuple[str, str]]:
    labels = dict(Vendor.choices)
    return [
        (code, labels.get(code, code))
        for code in vendors.enabled_codes()
        if vendors.supports(code, Capability.CREATE_SESSION)
    ]


def launch_form_for(vendor: str, data=None, files=None, initial: dict | None = None) -> LaunchForm:
    provider = vendors.get_provider(vendor)
    form_class: type[LaunchForm] = import_string(provider.launch_form)
    form = form_class(data=data, files=files, initial=initial)
    templates = Template.objects.filter(vendor=vendor, active=True).order_by("-is_default", "name")
    form.fields["template"].choices = [("", "—")] + [(str(t.pk), t.name) for t in templates]
    default = next((t for t in templates if t.is_default), None)
    if default is not None and data is None:
        form.initial["template"] = str(default.pk)
    return form


def replaced_case(request: HttpRequest) -> VerificationSession | None:
    """The case a new verification is requested for (?replaces=<id>, from the case page)."""
    raw = request.GET.get("replaces", "")
    if not raw:
        return None
    try:
        return VerificationSession.objects.select_related("identity").get(pk=int(raw))
    except (ValueError, VerificationSession.DoesNotExist):
        raise Http404("No such case.") from None


def identity_initial(case: VerificationSession | None) -> dict:
    """The launch form pre-filled with the person of the case being replaced."""
    if case is None:
        return {}
    identity = case.identity
    fields = ("reference", "first_name", "last_name", "birth_date", "nationality", "email", "phone")
    return {name: getattr(identity, name) for name in fields if getattr(identity, name)}


def launch_view(model_admin: admin.ModelAdmin, request: HttpRequest, vendor: str = "") -> HttpResponse:
    if not request.user.has_perm("kycdesk.launch_verification"):
        raise PermissionDenied
    available = launchable_vendors()
    replaces = replaced_case(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Request a new verification" if replaces else "Launch a verification",
        "vendors": available,
        "vendor": vendor,
        "replaces": replaces,
    }
    if not vendor:
        return render(request, "admin/kycdesk/launch.html", context)
    if vendor not in dict(available):
        raise Http404("This vendor is not enabled.")
    warnings: list[str] = []
    if request.method == "POST":
        form = launch_form_for(vendor, request.POST, request.FILES)
        # An open session for this person: launching again may be billed (iDenfy says so), so the
        # warning must be seen and confirmed before the vendor is called, not after.
        warnings = launch.open_session_warnings(vendor=vendor, reference=request.POST.get("reference", "").strip())
        confirmed = not warnings or request.POST.get("confirm_relaunch") == "on"
        if form.is_valid() and confirmed:
            template = Template.objects.filter(pk=form.cleaned_data.get("template") or None, vendor=vendor).first()
            try:
                session = launch.launch_session(
                    vendor=vendor,
                    request=form.to_request(template_id=template.external_id if template else ""),
                    user=request.user,
                    template=template,
                    replaces=replaces,
                    ip=client_ip(request),
                )
            except ProviderError as exc:
                # The vendor's own words, as they came.
                form.add_error(
                    None,
                    f"{dict(available)[vendor]} refused the launch: {exc.message}"
                    + (f" ({exc.code})" if exc.code else ""),
                )
            else:
                messages.success(request, "Verification launched: send the person the link below.")
                return HttpResponseRedirect(reverse("admin:kycdesk_verificationsession_change", args=[session.pk]))
    else:
        form = launch_form_for(vendor, initial=identity_initial(replaces))
    context.update(form=form, vendor_label=dict(available)[vendor], warnings=warnings)
    return render(request, "admin/kycdesk/launch.html", context)
