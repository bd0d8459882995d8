"""`import_result idenfy` on a saved webhook body: tags, verdicts, AML/LID and media kept."""

import json

import pytest
from django.core.management import call_command

from kycdesk.models import Control, Media, VerificationSession

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_a_saved_suspected_webhook_is_imported_with_its_tags_verdicts_and_sections(capsys):
    call_command("import_result", "idenfy", str(FIXTURES / "suspected.json"))
    printed = json.loads(capsys.readouterr().out)

    session = VerificationSession.objects.get(vendor="idenfy")
    assert (printed["status"], printed["vendor_status"]) == ("needs_review", "SUSPECTED")
    assert printed["reasons"] == ["DUPLICATE_FACE", "AML_SUSPECTION", "NAME", "DATE_OF_BIRTH"]
    assert session.reasons[0] == {
        "code": "DUPLICATE_FACE",
        "kind": "fraud_tag",
        "text": "The selfie matches the selfie of an earlier verification.",
    }
    assert [s["title"] for s in session.sections] == ["iDenfy session", "AML: PilotApiAmlV2", "LID: IrdInvalidPapers"]
    assert Control.objects.filter(session=session, group="automatic").count() == 2
    assert set(Media.objects.filter(session=session).values_list("source_key", flat=True)) == {
        "FRONT",
        "BACK",
        "FACE",
        "REPORT_PDF",
    }
