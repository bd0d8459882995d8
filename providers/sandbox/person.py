"""The person's page: the link a simulated vendor hands out opens this capture-flow stand-in.

The tester sees who is being verified, picks an outcome the vendor can really produce, may
upload their own document and selfie images, and finishes. Plain Django templates, no JS.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from providers.sandbox.simulator import Simulator, Uploads

MAX_UPLOAD = 10 * 1024 * 1024


def _upload(request: HttpRequest, name: str) -> bytes | None:
    file = request.FILES.get(name)
    if file is None or file.size == 0:
        return None
    if file.size > MAX_UPLOAD:
        raise ValueError(f"{name}: files above 10 MB are refused.")
    data = file.read()
    if not data.startswith((b"\xff\xd8\xff", b"\x89PNG")):
        raise ValueError(f"{name}: upload a JPEG or PNG image.")
    return data


# A simulated vendor page, reached by the person's link; the vendor's own pages do not carry our
# CSRF cookie either, and nothing here touches kycdesk.
@csrf_exempt
def person_page(request: HttpRequest, simulator: Simulator, external_id: str) -> HttpResponse:
    session = simulator.get_session(external_id)
    context = {
        "simulator": simulator,
        "session": session,
        "person": simulator.person(session),
        "refusal": simulator.refusal(session),
        "error": "",
    }
    if request.method == "POST" and not context["refusal"]:
        outcome = request.POST.get("outcome", "")
        try:
            simulator.outcome(outcome)
            uploads = Uploads(
                front=_upload(request, "front"), back=_upload(request, "back"), selfie=_upload(request, "selfie")
            )
        except KeyError:
            context["error"] = "Choose one of the outcomes."
        except ValueError as exc:
            context["error"] = str(exc)
        else:
            simulator.finish(session, outcome, uploads)
            session.refresh_from_db()
            if session.callback_url:
                return HttpResponseRedirect(session.callback_url)
            return render(request, "sandbox/done.html", {**context, "outcome": simulator.outcome(outcome)})
    status = 400 if context["error"] else (410 if context["refusal"] else 200)
    return render(request, "sandbox/person.html", context, status=status)
