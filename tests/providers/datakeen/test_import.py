"""`import_result datakeen` on the vendor's own example: every field, box and control kept."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kycdesk.models import Control, ExtractedField, Media, VerificationSession

from .conftest import FIXTURES, SESSION_ID

pytestmark = pytest.mark.django_db


def run(capsys, path=FIXTURES / "session_result.json") -> dict:
    call_command("import_result", "datakeen", str(path), "--external-id", SESSION_ID)
    return json.loads(capsys.readouterr().out)


def test_the_example_is_printed_normalized(capsys):
    printed = run(capsys)

    assert (printed["external_id"], printed["status"], printed["vendor_status"]) == (SESSION_ID, "approved", "")
    assert printed["person"] == {
        "first_name": "Jean",
        "last_name": "JEAN",
        "birth_date": "1984-07-11",
        "nationality": "FR",
        "document_number": "000000000000",
    }
    card = printed["documents"][0]
    assert (card["type"], card["country"], card["issue_date"], card["expiry_date"]) == (
        "id-card",
        "FR",
        "2019-10-07",
        "2034-10-06",
    )
    assert len(card["fields"]) == 22 and len(card["controls"]) == 13
    assert {
        "name": "birthPlace",
        "value": "NEVERS",
        "confidence": 0.8697428888736098,
        "source": "ocr",
        "bbox": {
            "page": 0,
            "x": 0.6871805064190977,
            "y": 0.2220821740492335,
            "width": 0.05135558565409615,
            "height": 0.022571622609683206,
        },
    } in card["fields"]


def test_every_field_box_and_control_is_stored(capsys):
    run(capsys)

    session = VerificationSession.objects.get(vendor="datakeen", external_id=SESSION_ID)
    card, other = session.documents.order_by("position")
    assert (card.subtype, card.side, card.source_name, len(card.pages)) == (
        "national_id_card_fr_2003",
        "front-back",
        "CNI.pdf",
        2,
    )
    assert ExtractedField.objects.filter(document=card).count() == 22
    mrz = ExtractedField.objects.get(document=card, name="mrz")
    assert (mrz.value, mrz.source, mrz.confidence) == ("IDJEAN<<<<<<<<<<<<<<<<<<<<<21ASKD", "mrz", 0.9094363349968262)
    assert (mrz.bbox_page, mrz.bbox_x, mrz.bbox_y, mrz.bbox_width, mrz.bbox_height) == (
        0,
        0.5328696826349002,
        0.36830785630293206,
        0.4396144585569075,
        0.09441730374946394,
    )
    no_box = ExtractedField.objects.get(document=card, name="birthDepartment")
    assert (no_box.value, no_box.bbox_page, no_box.bbox_x) == ("58", None, None)
    assert ExtractedField.objects.filter(document=card, bbox_x__isnull=False).count() == 11
    assert list(Control.objects.filter(session=session, document=None).values_list("name", "passed", "confidence")) == [
        ("matchNameInAllDocuments", True, 1.0)
    ]
    assert Control.objects.filter(document=card).count() == 13
    assert Control.objects.filter(document=card, name="globalStatus").values_list("passed", "score").get() == (
        True,
        1.0,
    )
    assert Control.objects.get(document=card, name="rfSymbolIsPresent").passed is False
    assert other.type == "other" and other.fields.count() == 0
    assert sorted(Media.objects.filter(session=session).values_list("kind", "source_key")) == [
        ("document_page", "CNI.pdf"),
        ("other", "Screenshot 2024-04-29 at 09.29.59.png"),
    ]
    assert session.sections[1]["title"] == "Datakeen entity 1"


def test_importing_twice_changes_nothing(capsys):
    run(capsys)
    run(capsys)

    session = VerificationSession.objects.get(vendor="datakeen", external_id=SESSION_ID)
    assert ExtractedField.objects.filter(document__session=session).count() == 22
    assert session.events.filter(kind="result").count() == 1


def test_the_example_as_published_with_its_typo_is_a_one_line_error(tmp_path):
    published = (FIXTURES / "session_result.json").read_text().replace('"firstName": "Jean",', '"firstName": "Jean,', 1)
    path = tmp_path / "published.json"
    path.write_text(published)

    with pytest.raises(CommandError) as caught:
        call_command("import_result", "datakeen", str(path), "--external-id", SESSION_ID)

    assert "invalid JSON at line" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_without_an_external_id_the_command_says_to_pass_one():
    with pytest.raises(CommandError, match="pass --external-id"):
        call_command("import_result", "datakeen", str(FIXTURES / "session_result.json"))
