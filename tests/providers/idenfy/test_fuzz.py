"""iDenfy-shaped bodies with any field replaced by any JSON value, under every event type: the
parser and the pull-merge give notices/results or MalformedPayload, never another exception."""

import json

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from providers.base import MalformedPayload, VerificationResult
from providers.idenfy import normalize as n
from providers.idenfy import webhooks
from tests.strategies import JSON_VALUES

from .conftest import load

BASES = [
    load(name)
    for name in ("approved.json", "suspected.json", "legacy.json", "expired.json", "document_expiration.json")
]
EVENTS = st.sampled_from([*sorted(n.RESULT_EVENTS), n.DOCUMENT_EXPIRATION, "", "SOMETHING_NEW"])
PATHS = st.sampled_from(
    [
        ("scanRef",), ("final",), ("status",), ("status", "overall"), ("status", "fraudTags"),
        ("status", "autoFace"), ("status", "suspicionReasons"), ("data",), ("data", "docDob"),
        ("data", "docSex"), ("data", "duplicateFaces"), ("fileUrls",), ("fileUrls", "FRONT"),
        ("AML",), ("aml",), ("LID",), ("startTime",), ("finishTime",), ("clientIp",),
        ("additionalStepPdfUrls",),
    ]
)  # fmt: skip


@st.composite
def mutated(draw):
    document = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(1, 4))):
        path, value = draw(PATHS), draw(JSON_VALUES)
        target = document
        for key in path[:-1]:
            target = target.setdefault(key, {}) if isinstance(target, dict) else {}
        if isinstance(target, dict):
            target[path[-1]] = value
    return document


@hsettings(max_examples=300, deadline=None)
@given(document=mutated(), event=EVENTS)
def test_parse_gives_notices_or_a_malformed_payload(document, event):
    body = json.dumps(document).encode()
    try:
        notices = webhooks.parse({"idenfy-event-type": event}, body)
    except MalformedPayload:
        return
    for notice in notices:
        assert notice.external_id and len(notice.dedupe_key) > len(notice.external_id)


@hsettings(max_examples=300, deadline=None)
@given(webhook=mutated(), pulled=mutated(), event=EVENTS)
def test_a_webhook_merged_with_any_pull_normalizes_or_is_malformed(webhook, pulled, event):
    try:
        document, read_as = n.confirmed_document(webhook, pulled, event)
        result = n.normalize(document, event_type=read_as, external_id="fuzz-1")
    except MalformedPayload:
        return
    assert isinstance(result, VerificationResult)
