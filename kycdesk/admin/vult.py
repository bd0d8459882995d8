"""VULT's admin: the identity's VULT panel (IDA sessions, start one, delete one, anonymize the
identity at VULT), our webhook registration and VULT's requirements and weights.

Two mixins plug into the existing ModelAdmins (IdentityAdmin, WebhookSubscriptionAdmin); every
view calls one service of kycdesk.services.vult_identities / vult_settings, and every change is
confirmed on a page of its own before it is made.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from kycdesk.models import Identity, WebhookSubscription
from kycdesk.services import vult_identities, vult_settings
from kycdesk.services.audit import client_ip
from kycdesk.services.media import sniff_content_type
from providers.base import ProviderError
from providers.vult.client import LIVENESS_MODES
from providers.vult.forms import RequirementsForm, WeightsForm
from providers.vult.normalize import REQUIREMENT_FLAGS

# Who may do what (README "Roles"): managers hold decide_case, erase_case and change_template.
START_IDA = ("kycdesk.launch_verification", "kycdesk.decide_case")  # a manager who may launch
ERASE = ("kycdesk.erase_case",)
CONFIGURE = ("kycdesk.change_template",)  # vendor configuration, like templates
VIEW_SETTINGS = ("kycdesk.view_webhooksubscription",)
VIEW_PII = ("kycdesk.view_pii",)


def allowed(request: HttpRequest, perms: tuple[str, ...]) -> bool:
    return request.user.has_perms(perms)


def require(request: HttpRequest, perms: tuple[str, ...]) -> None:
    if not allowed(request, perms):
        raise PermissionDenied


def confirm_page(
    model_admin: admin.ModelAdmin, request: HttpRequest, *, title: str, question: str, button: str, **extra: Any
) -> TemplateResponse:
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "title": title,
        "question": question,
        "button": button,
        **extra,
    }
    return TemplateResponse(request, "admin/kycdesk/vult/confirm.html", context)


def _say(model_admin: admin.ModelAdmin, request: HttpRequest, outcome: Any, done: str) -> None:
    if outcome.done:
        model_admin.message_user(request, f"{done} {outcome.message}", messages.SUCCESS)
    else:
        model_admin.message_user(request, f"VULT refused: {outcome.message}", messages.ERROR)


# --- the identity's VULT panel ------------------------------------------------------------------
class VultIdentityAdminMixin:
    """On IdentityAdmin: the VULT panel on the change page, its views, and the sync action."""

    change_form_template = "admin/kycdesk/identity/change_form_vult.html"
    actions = ["sync_vult_identities"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = "<int:pk>/vult/"
        return [
            path(f"{prefix}ida/start/", wrap(self.start_ida_view), name="kycdesk_vult_ida_start"),
            path(f"{prefix}ida/<str:session_id>/delete/", wrap(self.delete_ida_view), name="kycdesk_vult_ida_delete"),
            path(
                f"{prefix}ida/<str:session_id>/document/",
                wrap(self.ida_document_view),
                name="kycdesk_vult_ida_document",
            ),
            path(f"{prefix}anonymize/", wrap(self.anonymize_view), name="kycdesk_vult_identity_anonymize"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None):
        identity = Identity.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra = dict(extra_context or {})
        if identity is not None and self.has_view_permission(request, identity):
            extra.update(
                vult_panel=vult_identities.panel(identity),
                vult_can_start=allowed(request, START_IDA),
                vult_can_erase=allowed(request, ERASE),
            )
        return super().change_view(request, object_id, form_url, extra)

    def _identity(self, request: HttpRequest, pk: int, perms: tuple[str, ...]) -> Identity:
        identity = get_object_or_404(Identity, pk=pk)
        if not self.has_view_permission(request, identity):
            raise PermissionDenied
        require(request, perms)
        if not vult_identities.vult_id(identity):
            raise Http404("This person has no VULT identity.")
        return identity

    def _back(self, identity: Identity) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:kycdesk_identity_change", args=[identity.pk]))

    def start_ida_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        identity = self._identity(request, pk, START_IDA)
        if request.method == "POST":
            mode = request.POST.get("liveness_mode", "passive")
            try:
                launched = vult_identities.start_ida_session(
                    identity=identity, actor=request.user, ip=client_ip(request), liveness_mode=mode
                )
            except (vult_identities.NotAllowed, ProviderError, ValueError) as exc:  # ValueError: not VULT's enum
                self.message_user(request, f"No IDA session started: {exc}", messages.ERROR)
            else:
                link = launched.link or "(no capture page configured: VULT_CAPTURE_URL)"
                self.message_user(
                    request, f"IDA session {launched.external_id} started; the person's link: {link}", messages.SUCCESS
                )
            return self._back(identity)
        return confirm_page(
            self,
            request,
            title="Start an IDA session",
            question=f"Ask VULT to re-authenticate {identity} (VULT identity {vult_identities.vult_id(identity)})?",
            button="Start the IDA session",
            cancel_url=self._back(identity).url,
            choices={"name": "liveness_mode", "label": "Liveness mode", "options": LIVENESS_MODES},
        )

    def delete_ida_view(self, request: HttpRequest, pk: int, session_id: str) -> HttpResponse:
        identity = self._identity(request, pk, ERASE)
        if request.method == "POST":
            try:
                outcome = vult_identities.delete_ida_session(
                    identity=identity, session_id=session_id, actor=request.user, ip=client_ip(request)
                )
            except (vult_identities.NotAllowed, ProviderError) as exc:
                self.message_user(request, f"Not deleted: {exc}", messages.ERROR)
            else:
                _say(self, request, outcome, f"IDA session {session_id} deleted at VULT.")
            return self._back(identity)
        return confirm_page(
            self,
            request,
            title="Delete an IDA session at VULT",
            question=f"Delete IDA session {session_id} of {identity} at VULT? This cannot be undone.",
            button="Delete at VULT",
            cancel_url=self._back(identity).url,
            danger=True,
        )

    def anonymize_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        identity = self._identity(request, pk, ERASE)
        if request.method == "POST":
            try:
                outcome = vult_identities.anonymize_vult_identity(
                    identity=identity, actor=request.user, ip=client_ip(request)
                )
            except ProviderError as exc:
                self.message_user(request, f"Not anonymized: {exc}", messages.ERROR)
            else:
                _say(self, request, outcome, "VULT anonymized its identity.")
            return self._back(identity)
        return confirm_page(
            self,
            request,
            title="Anonymize the identity at VULT",
            question=(
                f"Ask VULT to anonymize identity {vult_identities.vult_id(identity)} ({identity})? VULT wipes the "
                "person's data; kycdesk's own copy is erased by the case's erase, not here."
            ),
            button="Anonymize at VULT",
            cancel_url=self._back(identity).url,
            danger=True,
        )

    def ida_document_view(self, request: HttpRequest, pk: int, session_id: str) -> StreamingHttpResponse:
        identity = self._identity(request, pk, VIEW_PII)
        try:
            chunks = iter(
                vult_identities.ida_document(
                    identity=identity, session_id=session_id, actor=request.user, ip=client_ip(request)
                )
            )
            first = next(chunks, b"")
        except (vult_identities.NotAllowed, ProviderError) as exc:
            raise Http404(str(exc)) from None
        response = StreamingHttpResponse(
            _prepend(first, chunks), content_type=sniff_content_type(first[:16]) or "application/octet-stream"
        )
        response["Content-Disposition"] = f'inline; filename="ida-{pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="Sync identities from VULT (the selection only says: now)", permissions=["add"])
    def sync_vult_identities(self, request: HttpRequest, queryset: QuerySet[Identity]) -> None:
        try:
            counts = vult_identities.sync_identities(actor=request.user)
        except ProviderError as exc:
            self.message_user(request, f"VULT: {exc.message}", messages.ERROR)
        else:
            self.message_user(
                request, f"VULT: {counts['listed']} identities listed, {counts['created']} new.", messages.SUCCESS
            )


def _prepend(first: bytes, rest: Any):
    if first:
        yield first
    yield from rest


# --- webhooks, requirements and weights ------------------------------------------------------------
class VultWebhookAdminMixin:
    """On WebhookSubscriptionAdmin: register and delete VULT webhooks (the list itself is read by the
    mirror button every listing vendor shares); VULT's settings."""

    change_list_template = "admin/kycdesk/webhooksubscription/change_list_vult.html"
    actions = ["delete_at_vult"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("vult/register/", wrap(self.register_view), name="kycdesk_vult_webhook_register"),
            path("vult/settings/", wrap(self.settings_view), name="kycdesk_vult_settings"),
            path("vult/settings/weights/", wrap(self.weights_view), name="kycdesk_vult_weights"),
            path("vult/settings/requirements/", wrap(self.requirements_view), name="kycdesk_vult_requirements"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None):
        return super().changelist_view(
            request, {**(extra_context or {}), "vult_can_configure": allowed(request, CONFIGURE)}
        )

    def _list(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:kycdesk_webhooksubscription_changelist"))

    def register_view(self, request: HttpRequest) -> HttpResponse:
        require(request, CONFIGURE)
        if request.method == "POST":
            try:
                count = vult_settings.register_webhook(actor=request.user, ip=client_ip(request))
            except ProviderError as exc:
                self.message_user(request, f"VULT refused: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Registered with VULT; VULT lists {count} webhook(s).", messages.SUCCESS)
            return self._list()
        return confirm_page(
            self,
            request,
            title="Register our endpoint with VULT",
            question=(
                "Ask VULT (webhook create) to send its deliveries to "
                f"{vult_settings.vult().masked(vult_settings.vult().our_webhook_url())}?"
            ),
            button="Register with VULT",
        )

    @admin.action(description="Delete the selected VULT webhooks at VULT", permissions=["vult_configure"])
    def delete_at_vult(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> HttpResponse | None:
        chosen = list(queryset.filter(vendor="vult"))
        if request.POST.get("confirmed") != "yes":
            return confirm_page(
                self,
                request,
                title="Delete webhooks at VULT",
                question=f"Delete {len(chosen)} webhook(s) at VULT: {', '.join(str(s) for s in chosen) or '-'}?",
                button="Delete at VULT",
                danger=True,
                action="delete_at_vult",
                selected=[s.pk for s in chosen],
            )
        for subscription in chosen:
            try:
                outcome = vult_settings.delete_webhook(
                    subscription=subscription, actor=request.user, ip=client_ip(request)
                )
            except ProviderError as exc:
                self.message_user(request, f"{subscription}: {exc.message}", messages.ERROR)
            else:
                _say(self, request, outcome, f"{subscription}: deleted at VULT.")
        return None

    def has_vult_configure_permission(self, request: HttpRequest) -> bool:
        return allowed(request, CONFIGURE)

    def settings_view(self, request: HttpRequest) -> HttpResponse:
        require(request, VIEW_SETTINGS)
        current = vult_settings.read_settings()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "VULT requirements and weights",
            "settings": current,
            "flags": REQUIREMENT_FLAGS,
            "can_configure": allowed(request, CONFIGURE),
        }
        return TemplateResponse(request, "admin/kycdesk/vult/settings.html", context)

    def _settings_form(self, request: HttpRequest, form: Any, title: str, save: Any) -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            try:
                save(form)
            except ProviderError as exc:
                form.add_error(None, f"VULT refused: {exc.message}" + (f" ({exc.code})" if exc.code else ""))
            else:
                self.message_user(request, f"{title}: sent to VULT.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:kycdesk_vult_settings"))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, "form": form}
        return TemplateResponse(request, "admin/kycdesk/vult/settings_form.html", context)

    def weights_view(self, request: HttpRequest) -> HttpResponse:
        require(request, CONFIGURE)
        initial = vult_settings.read_settings().weights if request.method != "POST" else None
        form = WeightsForm(request.POST or None, initial=initial)

        def save(valid: WeightsForm) -> None:
            changed = vult_settings.update_weights(values=valid.cleaned_data, actor=request.user, ip=client_ip(request))
            self.message_user(request, f"Changed: {', '.join(changed) or 'nothing'}.", messages.INFO)

        return self._settings_form(request, form, "Update VULT weights", save)

    def requirements_view(self, request: HttpRequest) -> HttpResponse:
        require(request, CONFIGURE)
        initial = None
        if request.method != "POST":
            wanted = (request.GET.get("type_e", ""), request.GET.get("data_source_e", ""))
            found = next(
                (s for s in vult_settings.read_settings().requirements if (s.type_e, s.data_source_e) == wanted), None
            )
            initial = {"type_e": wanted[0], "data_source_e": wanted[1], **(found.required if found else {})}
        form = RequirementsForm(request.POST or None, initial=initial)

        def save(valid: RequirementsForm) -> None:
            vult_settings.update_requirements(values=valid.body(), actor=request.user, ip=client_ip(request))

        return self._settings_form(request, form, "Update VULT requirements", save)
