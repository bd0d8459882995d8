"""The case page: what a reviewer sees, the actions posted from it, the audit entry of every look,
and a fixed number of queries whatever the number of documents, fields, images or events."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kycdesk.models import (
    Appointment,
    AuditEntry,
    DecisionState,
    Media,
    SessionEvent,
    VerificationSession,
    VideoAgent,
    WebhookDelivery,
)
from kycdesk.services import review
from providers.base import Status
from tests.cases import make_case, png

pytestmark = pytest.mark.django_db


def page(client, case) -> str:
    response = client.get(f"/admin/kycdesk/case/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


class TestWhatTheReviewerSees:
    def test_images_beside_fields_with_the_vendors_boxes_on_the_right_page(self, as_manager):
        case = make_case(images=2)
        front = Media.objects.get(session=case, kind="document_front")
        back = Media.objects.get(session=case, kind="document_back")

        html = page(as_manager, case)

        figures = html.split('<figure class="kd-figure">')[1:]
        shown = {m.pk: f for f in figures for m in (front, back) if f'src="/admin/media/{m.pk}/"' in f}
        # firstName is boxed on page 0 (the front), the address on page 1 (the back)
        assert 'x="0.1" y="0.2" width="0.3" height="0.05"' in shown[front.pk]
        assert 'x="0.5" y="0.1" width="0.4" height="0.05"' in shown[back.pk]
        assert 'x="0.5" y="0.1"' not in shown[front.pk]
        assert 'class="kd-toggle"' in html  # the boxes toggle works without JS (CSS :checked)

    def test_low_confidence_and_mrz_disagreements_are_marked(self, as_manager, settings):
        settings.KYCDESK_LOW_CONFIDENCE = 0.5
        html = page(as_manager, make_case())

        address_row = re.search(r'<tr class="kd-low[^"]*"[^>]*>\s*<th scope="row">address</th>', html)
        assert address_row, "the 0.42 address is below 0.5"
        assert re.search(r'<tr class="[^"]*kd-mismatch"[^>]*>\s*<th scope="row">birthDate</th>', html)
        assert "MRZ says “840712”" in html
        assert not re.search(r'<tr class="[^"]*kd-mismatch"[^>]*>\s*<th scope="row">firstName</th>', html)

    def test_checks_are_grouped_failed_passed_and_not_run(self, as_manager):
        html = page(as_manager, make_case())

        failed = html[html.index("kd-check-fail") : html.index("kd-check-pass")]
        passed = html[html.index("kd-check-pass") : html.index("kd-check-none")]
        not_run = html[html.index("kd-check-none") : html.index("kd-section")]
        assert "photoIsPresent" in failed and "No photo found" in failed
        assert "mrzValidity" in passed and "faceMatch" in passed
        assert "rfSymbolIsPresent" in not_run

    def test_vendor_reasons_in_words_liveness_similarity_and_sections(self, as_manager):
        html = page(as_manager, make_case(similarity=0.72, liveness=False))

        assert "<strong>The document looks forged</strong>" in html and "DOC_FAKE" in html
        assert "not live" in html
        assert 'aria-label="face similarity 72 percent"' in html
        assert "<h2>AML screening</h2>" in html and "possible match" in html

    def test_pdfs_inline_and_videos_with_controls(self, as_manager):
        case = make_case()
        pdf = Media.objects.get(session=case, kind="report_pdf")
        video = Media.objects.get(session=case, kind="face_video")

        html = page(as_manager, case)

        assert f'<iframe src="/admin/media/{pdf.pk}/" class="kd-pdf"' in html
        assert f'<video controls preload="metadata" class="kd-video" src="/admin/media/{video.pk}/">' in html

    def test_media_not_yet_downloaded_say_so_instead_of_linking(self, as_manager):
        case = make_case()
        Media.objects.filter(session=case, kind="face_video").update(state=Media.State.FAILED)

        html = page(as_manager, case)

        assert "Face video: download failed" in html

    def test_the_person_as_entered_beside_what_the_vendor_found(self, as_manager):
        case = make_case(first_name="Jean", last_name="Dupont")
        VerificationSession.objects.filter(pk=case.pk).update(person={"first_name": "Jan", "last_name": "Dupont"})

        html = page(as_manager, case)

        assert re.search(r'<tr class="kd-mismatch"><th scope="row">First name</th><td>Jean</td><td>Jan', html)

    def test_the_persons_other_sessions_at_every_vendor(self, as_manager):
        case = make_case(vendor="idenfy")
        other = make_case(vendor="vult", identity=case.identity, status=Status.APPROVED)
        stranger = make_case()

        html = page(as_manager, case)

        assert f'href="/admin/kycdesk/case/{other.pk}/"' in html
        assert f'href="/admin/kycdesk/case/{stranger.pk}/"' not in html

    def test_the_history_in_time_order_from_every_source(self, as_manager, manager, officer):
        case = make_case()
        t = timezone.now()
        SessionEvent.objects.create(session=case, at=t - dt.timedelta(hours=3), kind="launch", summary="Launched.")
        WebhookDelivery.objects.create(
            vendor="idenfy",
            received_at=t - dt.timedelta(hours=2),
            body_sha256="x",
            session=case,
            event_type="IDENTIFICATION_AUTO_FINISHED",
            verdict="accepted",
            state="done",
        )
        review.add_note(session_id=case.pk, user=officer, text="Asked for a better photo.")
        review.decide(session_id=case.pk, user=manager, outcome="reject", reason_code="poor_quality", comment="Blurry")

        html = page(as_manager, case)
        history = html[html.index('id="kd-history-h"') :]

        order = ["Launched.", "IDENTIFICATION_AUTO_FINISHED", "Asked for a better photo.", "decision: reject"]
        positions = [history.index(text) for text in order]
        assert positions == sorted(positions)
        assert "Images unreadable: a new verification is needed — Blurry" in history
        assert "case view" in history  # managers see the audit entries too

    def test_an_empty_case_renders(self, as_manager):
        case = make_case(documents=0, images=0, extra_media=False, reasons=(), similarity=None, liveness=None)

        html = page(as_manager, case)

        assert "The vendor gave no reason." in html and "not measured" in html and "not checked" in html


class TestAuditOfLooks:
    def test_opening_the_case_page_is_an_audit_entry(self, client, officer):
        client.force_login(officer)
        case = make_case()

        page(client, case)

        entry = AuditEntry.objects.get(action="case_view")
        assert (entry.actor, entry.target_type, entry.target_id, entry.ip) == (
            officer,
            "kycdesk.verificationsession",
            str(case.pk),
            "127.0.0.1",
        )
        assert entry.detail == {"pii": True}

    def test_viewing_and_downloading_a_file_are_audit_entries(self, client, officer, private_media):
        from django.core.files.base import ContentFile

        client.force_login(officer)
        case = make_case()
        media = Media.objects.get(session=case, kind="selfie")
        media.file.save("selfie.png", ContentFile(png()), save=True)

        client.get(f"/admin/media/{media.pk}/")
        client.get(f"/admin/media/{media.pk}/?download=1")

        actions = list(AuditEntry.objects.filter(target_id=str(media.pk)).values_list("action", flat=True))
        assert sorted(actions) == ["media_download", "media_view"]


class TestActionsFromThePage:
    def test_approve_then_second_approval_by_another_manager(self, client, manager, second_manager):
        case = make_case()
        client.force_login(manager)

        client.post(
            f"/admin/kycdesk/case/{case.pk}/decide/",
            {"outcome": "approve", "reason_code": "vendor_false_positive", "comment": "Tag is wrong."},
        )
        html = page(client, case)
        assert "awaiting a second approval" in html
        assert "you gave the first approval" in html
        assert f"/admin/kycdesk/case/{case.pk}/second/" not in html

        client.force_login(second_manager)
        assert f"/admin/kycdesk/case/{case.pk}/second/" in page(client, case)
        client.post(f"/admin/kycdesk/case/{case.pk}/second/", {"comment": ""})

        case.refresh_from_db()
        assert case.decision_state == DecisionState.APPROVED

    def test_a_finally_decided_case_offers_no_claim_or_reassign_as_it_has_left_the_queue(
        self, client, manager, second_manager
    ):
        case = make_case()
        review.decide(session_id=case.pk, user=manager, outcome="approve", reason_code="verified_manually", comment="x")
        review.second_approve(session_id=case.pk, user=second_manager)
        client.force_login(manager)

        html = page(client, case)

        assert "Not in the review queue." in html
        assert f"/admin/kycdesk/case/{case.pk}/claim/" not in html  # claiming it was refused after the click
        assert f"/admin/kycdesk/case/{case.pk}/reassign/" not in html

    def test_the_first_approver_posting_the_second_approval_is_refused_on_the_server(self, client, manager):
        case = make_case()
        review.decide(session_id=case.pk, user=manager, outcome="approve", reason_code="verified_manually", comment="x")
        client.force_login(manager)

        response = client.post(f"/admin/kycdesk/case/{case.pk}/second/", follow=True)

        assert "Four eyes" in response.content.decode()
        case.refresh_from_db()
        assert case.decision_state == DecisionState.PENDING_SECOND

    def test_a_refused_decision_explains_itself(self, as_manager):
        case = make_case()

        response = as_manager.post(
            f"/admin/kycdesk/case/{case.pk}/decide/",
            {"outcome": "reject", "reason_code": "", "comment": ""},
            follow=True,
        )

        assert "Choose one of the configured reasons" in response.content.decode()

    def test_a_note_from_the_page_shows_author_and_time(self, client, officer):
        client.force_login(officer)
        case = make_case()

        client.post(f"/admin/kycdesk/case/{case.pk}/note/", {"text": "Client called back."})

        html = page(client, case)
        notes = html[html.index('id="kd-notes-h"') : html.index('id="kd-history-h"')]
        assert "Client called back." in notes and "olivia," in notes

    def test_request_a_new_verification_opens_the_launch_form_prefilled(self, client, officer, fake_vendor):
        client.force_login(officer)
        case = make_case(vendor="idenfy", first_name="Anna", last_name="Berg", reference="ref-anna")

        redirect = client.get(f"/admin/kycdesk/case/{case.pk}/renew/", {"vendor": "datakeen"})
        assert redirect["Location"] == f"/admin/kycdesk/verificationsession/launch/datakeen/?replaces={case.pk}"
        form = client.get(redirect["Location"]).content.decode()
        assert 'value="ref-anna"' in form and 'value="Anna"' in form

        client.post(redirect["Location"], {"reference": "ref-anna", "first_name": "Anna", "last_name": "Berg"})

        new = VerificationSession.objects.get(vendor="datakeen")
        assert new.replaces == case and new.identity == case.identity
        assert SessionEvent.objects.filter(session=case, kind="new_verification").exists()
        launch = AuditEntry.objects.get(action="launch")
        assert launch.detail == {"vendor": "datakeen", "replaces": case.pk}
        assert f'href="/admin/kycdesk/case/{new.pk}/"' in page(client, case)


def test_appointments_are_shown_in_the_persons_time_zone_beside_its_name(client, manager):
    case = make_case()
    agent = VideoAgent.objects.create(termin_user_id="7", name="Agent Seven")
    starts = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)  # 10:00 in Berlin
    Appointment.objects.create(
        session=case,
        agent=agent,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        time_zone="Europe/Berlin",
    )
    client.force_login(manager)

    html = page(client, case)

    # it said 09:00 (UTC, the desk's zone in tests) beside "Europe/Berlin"
    assert "<td>2026-03-03 10:00</td><td>10:30</td><td>Europe/Berlin</td>" in html


class TestQueryCount:
    """Same number of queries for a bare case and a rich one: documents, fields, controls, media,
    events, deliveries, decisions, notes and appointments are each loaded by one query.

    Manager (21): staff session, user, 2 permission queries, the case with its joins, the
    case_view audit insert, appointments, documents, fields, media, decisions, controls, other
    sessions, events, deliveries, notes, the case's audit entries, reviewers (reassign list),
    then saving the staff session (3). An officer has no audit or reassign list (19); appointment
    staff see the minimum (11)."""

    @pytest.mark.parametrize(
        "size",
        [
            {"documents": 1, "fields": 2, "images": 1, "extra": 0},
            {"documents": 4, "fields": 15, "images": 3, "extra": 12},
        ],
    )
    @pytest.mark.parametrize(("role", "expected"), [("manager", 21), ("officer", 19), ("appointment_staff", 11)])
    def test_fixed_whatever_the_size_of_the_case(
        self, client, request, size, role, expected, manager, second_manager, django_assert_num_queries, fake_vendor
    ):
        case = make_case(documents=size["documents"], fields=size["fields"], images=size["images"])
        make_case(identity=case.identity)
        agent = VideoAgent.objects.create(termin_user_id="7", name="Agent Seven")
        now = timezone.now()
        for n in range(size["extra"]):
            SessionEvent.objects.create(session=case, at=now, kind="pull", summary=f"pull {n}")
            WebhookDelivery.objects.create(vendor="idenfy", received_at=now, body_sha256=str(n), session=case)
            review.add_note(session_id=case.pk, user=manager, text=f"note {n}")
            Appointment.objects.create(session=case, agent=agent, starts_at=now, ends_at=now)
        if size["extra"]:
            review.decide(
                session_id=case.pk, user=manager, outcome="approve", reason_code="verified_manually", comment="x"
            )
        user = request.getfixturevalue(role)
        client.force_login(user)

        with django_assert_num_queries(expected):
            response = client.get(f"/admin/kycdesk/case/{case.pk}/")
        assert response.status_code == 200
