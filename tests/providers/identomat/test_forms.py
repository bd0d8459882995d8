"""The Identomat launch form: every documented flag, questionnaire steps, or a config_id."""

import json

from providers.identomat.forms import SWITCHES, IdentomatLaunchForm


def form(**data) -> IdentomatLaunchForm:
    built = IdentomatLaunchForm(data={"reference": "ref-1", **data})
    built.fields["template"].choices = [("", "—"), ("7", "Onboarding EU")]
    return built


def test_an_empty_launch_sends_empty_flags_so_identomat_applies_its_defaults():
    launched = form()

    assert launched.is_valid(), launched.errors
    assert launched.to_request().options == {"flags": {}}


def test_every_documented_switch_is_offered_and_sent_only_when_ticked():
    launched = form(liveness="on", restrict_url_sharing="on", skip_agreement="on")

    assert launched.is_valid(), launched.errors
    assert set(SWITCHES) <= set(launched.fields)
    assert launched.flags() == {"liveness": True, "restrict_url_sharing": True, "skip_agreement": True}


def test_lists_urls_and_language_are_sent_as_identomat_names_them():
    launched = form(
        return_url="https://kyc.example.com/done",
        switch_device_url="https://kyc.example.com/switch",
        language="ka",
        document_types=["id", "passport"],
        document_countries="hrv, DEU,HRV",
        general_document_types=["utility_bill"],
        allow_general_document_upload="on",
    )

    assert launched.is_valid(), launched.errors
    assert launched.flags() == {
        "return_url": "https://kyc.example.com/done",
        "switch_device_url": "https://kyc.example.com/switch",
        "language": "ka",
        "document_types": ["id", "passport"],
        "document_countries": ["HRV", "DEU"],
        "general_document_types": ["utility_bill"],
        "allow_general_document_upload": True,
    }


def test_values_outside_the_documented_ones_are_refused():
    launched = form(language="xx", document_types=["visa"], general_document_types=["payslip"])

    assert not launched.is_valid()
    assert set(launched.errors) == {"language", "document_types", "general_document_types"}


def test_document_countries_must_be_alpha_3_codes():
    launched = form(document_countries="HR, DEU")

    assert not launched.is_valid()
    assert "alpha-3 country codes such as USA, DEU, ITA; not HR" in launched.errors["document_countries"][0]


def test_general_document_types_need_general_capture_or_upload_as_the_guide_says():
    launched = form(general_document_types=["bank_statement"])

    assert not launched.is_valid()
    assert "works only if allow_general_document_capture or allow_general_document_upload" in str(
        launched.errors["general_document_types"]
    )


def test_a_document_in_hand_needs_the_face_step():
    launched = form(skip_face="on", require_face_document="on")

    assert not launched.is_valid()
    assert "need the face step" in launched.errors["skip_face"][0]


def test_questionnaire_steps_are_validated_and_sent():
    steps = [
        {
            "type": "user-questionnaire",
            "key": "employment",
            "title": "Employment stats",
            "questions": [{"type": "boolean", "mandatory": True, "key": "are-you-employed", "title": {"en": "?"}}],
        }
    ]
    launched = form(steps=json.dumps(steps))

    assert launched.is_valid(), launched.errors
    assert launched.to_request().options == {"flags": {}, "steps": steps}


def test_bad_steps_are_refused_with_the_rule():
    cases = {
        "[": "Steps must be a JSON array",
        '{"type": "user-questionnaire"}': "an array of step objects",
        '[{"type": "survey", "key": "a"}]': "step types are user-questionnaire, operator-questionnaire",
        '[{"type": "user-questionnaire"}]': "needs a text 'key'",
        '[{"type": "user-questionnaire", "key": "a"}, {"type": "operator-questionnaire", "key": "a"}]': "unique",
        '[{"type": "user-questionnaire", "key": "a", "questions": [{"key": "q", "mandatory": "yes"}]}]': "true or",
    }
    for steps, message in cases.items():
        launched = form(steps=steps)
        assert not launched.is_valid(), steps
        assert message in launched.errors["steps"][0], (steps, launched.errors)


def test_a_config_id_template_sends_no_flags_but_keeps_the_parent_session():
    launched = form(template="7", parent_session_id=" tok-parent ")

    assert launched.is_valid(), launched.errors
    assert launched.to_request(template_id="cfg-1").options == {"parent_session_id": "tok-parent"}
    assert launched.to_request(template_id="cfg-1").template_id == "cfg-1"


def test_flags_and_a_config_id_together_are_refused():
    launched = form(template="7", liveness="on", steps='[{"type": "user-questionnaire", "key": "a"}]')

    assert not launched.is_valid()
    assert "flags and steps, or from a config_id, not both: clear liveness, steps" in launched.errors["__all__"][0]
