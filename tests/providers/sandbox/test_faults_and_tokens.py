import datetime as dt
import json

import pytest
import time_machine
from django.http import JsonResponse
from django.test import RequestFactory

from providers.sandbox import faults, tokens
from providers.sandbox.models import SimFault

pytestmark = pytest.mark.django_db


@faults.guarded("acme")
def api_view(request):
    return JsonResponse({"ok": True})


def call():
    return api_view(RequestFactory().post("/sandbox/acme/x"))


def test_without_faults_the_view_answers():
    assert call().status_code == 200


def test_a_fault_answers_the_next_n_calls_then_stops():
    faults.set_fault("acme", "500", count=2)

    assert [call().status_code for _ in range(3)] == [500, 500, 200]
    assert not SimFault.objects.exists()


def test_429_carries_retry_after():
    faults.set_fault("acme", "429", retry_after=7)

    response = call()

    assert (response.status_code, response["Retry-After"]) == (429, "7")


def test_faults_of_another_vendor_do_not_apply():
    faults.set_fault("other", "401")

    assert call().status_code == 200


def test_expire_tokens_revokes_every_issued_token():
    token = tokens.issue("acme", lifetime=None)
    faults.set_fault("acme", "expire_tokens")

    call()

    assert tokens.check("acme", token) is False


def test_tokens_expire_after_their_lifetime_and_after_idling():
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        short = tokens.issue("acme", lifetime=dt.timedelta(minutes=15))
        idle = tokens.issue("acme", lifetime=None)
        assert tokens.check("acme", idle, idle=dt.timedelta(minutes=30))
        clock.shift(dt.timedelta(minutes=20))
        assert tokens.check("acme", short) is False
        assert tokens.check("acme", idle, idle=dt.timedelta(minutes=30))  # used 20 min ago: still alive
        clock.shift(dt.timedelta(minutes=31))
        assert tokens.check("acme", idle, idle=dt.timedelta(minutes=30)) is False


def test_faults_can_be_set_and_cleared_over_http(client):
    created = client.post(
        "/sandbox/_faults/",
        data=json.dumps({"vendor": "acme", "kind": "429", "count": 3}),
        content_type="application/json",
    )
    listed = client.get("/sandbox/_faults/").json()
    cleared = client.delete("/sandbox/_faults/?vendor=acme")

    assert created.status_code == 201
    assert listed["faults"] == [{"vendor": "acme", "kind": "429", "remaining": 3, "retry_after": 1, "delay": 0.0}]
    assert cleared.status_code == 204 and not SimFault.objects.exists()


def test_a_bad_fault_is_a_400_naming_the_kinds(client):
    answer = client.post(
        "/sandbox/_faults/", data=json.dumps({"vendor": "acme", "kind": "explode"}), content_type="application/json"
    )

    assert answer.status_code == 400
    assert "429" in answer.json()["kinds"]


def test_the_sandbox_is_404_when_it_is_off(client, settings):
    settings.KYCDESK_SANDBOX = False

    assert client.get("/sandbox/_faults/").status_code == 404
