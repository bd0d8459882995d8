"""VULT deliveries: a secret token in our URL, and a body that only names a session."""

from __future__ import annotations

import pytest

from providers.base import MalformedPayload, WebhookRejected
from providers.vult import webhooks


def test_the_right_url_token_is_accepted(provider):
    provider.verify_webhook({}, b"anything at all", "a-long-webhook-token-0123456789")


@pytest.mark.parametrize("token", ["", "a-long-webhook-token-012345678", "A-LONG-WEBHOOK-TOKEN-0123456789"])
def test_a_wrong_or_missing_url_token_is_refused_as_not_found(provider, token):
    with pytest.raises(WebhookRejected) as caught:
        provider.verify_webhook({}, b'{"session_id": "s1"}', token)

    assert caught.value.http_status == 404


@pytest.mark.parametrize(
    "body",
    [
        b'{"session_id": "s1"}',
        b'{"session_id": " s1 ", "status_e": "complete", "event": "session.completed"}',
        b'{"event": "idv.session.updated", "data": {"session_id": "s1", "status_e": "complete"}}',
        b'{"session": {"session_id": "s1", "verified": true}}',
        b'{"type": "x", "payload": {"session_id": "s1"}}',
    ],
)
def test_plausible_shapes_each_name_the_session(body):
    (notice,) = webhooks.parse(body)

    assert notice.external_id == "s1"
    assert notice.dedupe_key == ""  # a hint: the session is read through the API every time
    assert notice.result is None


def test_event_and_status_are_kept_when_given():
    (notice,) = webhooks.parse(b'{"event": "session.completed", "data": {"session_id": "s1", "status_e": "complete"}}')

    assert (notice.event_type, notice.vendor_status) == ("session.completed", "complete")


def test_a_list_names_several_sessions():
    notices = webhooks.parse(b'[{"session_id": "s1"}, {"data": {"session_id": "s2"}}]')

    assert [n.external_id for n in notices] == ["s1", "s2"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "invalid JSON"),
        (b"\xff\xfe", "UTF-8"),
        (b'"s1"', "JSON object"),
        (b"[]", "empty list"),
        (b'{"id": "s1"}', "no session_id"),
        (b'{"data": {"data": {"session_id": "s1"}}}', "no session_id"),
        (b'{"session_id": 42}', "non-empty string"),
        (b'{"session_id": ""}', "non-empty string"),
        (b'[{"session_id": "s1"}, {"nope": 1}]', "no session_id"),
    ],
)
def test_other_shapes_are_refused_as_malformed(body, message):
    with pytest.raises(MalformedPayload, match=message):
        webhooks.parse(body)


def test_the_provider_parses_with_the_same_rules(provider):
    assert [n.external_id for n in provider.parse_webhook({}, b'{"session_id": "s9"}')] == ["s9"]
