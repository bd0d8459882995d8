"""The review queue page: what it lists, its filters and search, claims from it, bulk actions,
and a fixed number of queries whatever the number of rows."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kycdesk.models import AuditEntry, DecisionState, VerificationSession
from kycdesk.services import review
from providers.base import Reason, Status
from tests.cases import make_case

pytestmark = pytest.mark.django_db

QUEUE = "/admin/kycdesk/case/"


def listed(client, **params) -> list[int]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())]


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


class TestWhatTheQueueLists:
    def test_flagged_undecided_cases_across_vendors_oldest_first(self, as_officer, manager):
        newer = make_case(vendor="idenfy", age=dt.timedelta(hours=2))
        older = make_case(vendor="vult", age=dt.timedelta(hours=30))
        make_case(status=Status.APPROVED)
        make_case(status=Status.IN_PROGRESS)
        decided = make_case()
        review.decide(session_id=decided.pk, user=manager, outcome="reject", reason_code="other", comment="x")

        assert listed(as_officer) == [older.pk, newer.pk]

    def test_cases_awaiting_a_second_approval_stay_until_confirmed(self, as_officer, manager):
        flagged, overturned = make_case(), make_case(status=Status.REJECTED)
        for case in (flagged, overturned):
            review.decide(
                session_id=case.pk, user=manager, outcome="approve", reason_code="verified_manually", comment="x"
            )

        assert set(listed(as_officer)) == {flagged.pk, overturned.pk}
        assert set(listed(as_officer, stage="second")) == {flagged.pk, overturned.pk}
        assert listed(as_officer, stage="first") == []

    def test_a_row_shows_age_vendor_verdict_top_reasons_person_and_assignee(self, as_officer, manager, settings):
        settings.KYCDESK_SLA_AMBER_HOURS, settings.KYCDESK_SLA_RED_HOURS = 4, 8
        reasons = tuple(Reason(f"CODE_{n}", "fraud", f"Reason {n}") for n in range(5))
        case = make_case(age=dt.timedelta(hours=5), reasons=reasons, first_name="Anna", last_name="Berg")
        review.claim(session_id=case.pk, user=manager)

        html = as_officer.get(QUEUE).content.decode()

        assert "kd-age kd-age-amber" in html
        assert "SUSPECTED" in html and "iDenfy" in html
        assert ">CODE_0<" in html and ">CODE_2<" in html and ">CODE_3<" not in html and "+2" in html
        assert "title='Reason 0'" in html
        assert "Anna Berg" in html
        assert ">maria<" in html

    def test_age_turns_red_past_the_red_sla(self, as_officer, settings):
        settings.KYCDESK_SLA_AMBER_HOURS, settings.KYCDESK_SLA_RED_HOURS = 1, 2
        make_case(age=dt.timedelta(hours=3))

        assert "kd-age kd-age-red" in as_officer.get(QUEUE).content.decode()


class TestFilters:
    def test_by_vendor(self, as_officer):
        idenfy, vult = make_case(vendor="idenfy"), make_case(vendor="vult")

        assert listed(as_officer, vendor__exact="vult") == [vult.pk]
        assert listed(as_officer, vendor__exact="idenfy") == [idenfy.pk]

    def test_by_reason_code_exactly(self, as_officer):
        fake = make_case(reasons=(Reason("DOC_FAKE", "fraud", "Forged"),))
        make_case(reasons=(Reason("DOC_FAKE_LOOKING", "fraud", "x"), Reason("NAME", "mismatch", "DOC_FAKE")))

        assert listed(as_officer, reason="DOC_FAKE") == [fake.pk]
        assert listed(as_officer, reason="doc_fake") == [fake.pk]

    def test_by_assignee_me_unassigned_anyone(self, as_officer, officer, manager, settings):
        settings.KYCDESK_CLAIM_MINUTES = 30
        mine, theirs, free, expired = make_case(), make_case(), make_case(), make_case()
        review.claim(session_id=mine.pk, user=officer)
        review.claim(session_id=theirs.pk, user=manager)
        review.claim(session_id=expired.pk, user=manager, now=timezone.now() - dt.timedelta(minutes=31))

        assert listed(as_officer, assignee="me") == [mine.pk]
        assert set(listed(as_officer, assignee="unassigned")) == {free.pk, expired.pk}
        assert set(listed(as_officer, assignee="anyone")) == {mine.pk, theirs.pk}
        assert len(listed(as_officer)) == 4

    def test_an_expired_claim_shows_as_unassigned_and_claimable(self, as_officer, manager, settings):
        settings.KYCDESK_CLAIM_MINUTES = 30
        case = make_case()
        review.claim(session_id=case.pk, user=manager, now=timezone.now() - dt.timedelta(minutes=45))

        html = as_officer.get(QUEUE).content.decode()

        assert ">maria<" not in html
        assert f"/admin/kycdesk/case/{case.pk}/claim/" in html

    def test_by_age_against_the_sla_read_at_call_time(self, as_officer, settings):
        settings.KYCDESK_SLA_AMBER_HOURS, settings.KYCDESK_SLA_RED_HOURS = 24, 48
        fresh = make_case(age=dt.timedelta(hours=1))
        amber = make_case(age=dt.timedelta(hours=30))
        red = make_case(age=dt.timedelta(hours=50))

        assert listed(as_officer, age="ok") == [fresh.pk]
        assert listed(as_officer, age="amber") == [amber.pk]
        assert listed(as_officer, age="red") == [red.pk]
        settings.KYCDESK_SLA_RED_HOURS = 25
        assert listed(as_officer, age="red") == [red.pk, amber.pk]

    def test_by_document_country(self, as_officer):
        french, german = make_case(country="FR"), make_case(country="DEU")

        assert listed(as_officer, country="fr") == [french.pk]
        assert listed(as_officer, country="DEU") == [german.pk]

    @pytest.mark.parametrize(
        ("vendor_type", "family"),
        [
            ("ID_CARD", "id_card"),
            ("id-card", "id_card"),
            ("PASSPORT", "passport"),
            ("driver_license", "driving_licence"),
        ],
    )
    def test_by_document_type_family_whatever_the_vendors_spelling(self, as_officer, vendor_type, family):
        case = make_case(doc_type=vendor_type)
        make_case(doc_type="residence_permit")

        assert listed(as_officer, doctype=family) == [case.pk]

    def test_unknown_document_types_are_other(self, as_officer):
        odd = make_case(doc_type="utility_bill")
        make_case(doc_type="PASSPORT")

        assert listed(as_officer, doctype="other") == [odd.pk]

    def test_filters_combine(self, as_officer):
        target = make_case(vendor="vult", country="US")
        make_case(vendor="vult", country="FR")
        make_case(vendor="idenfy", country="US")

        assert listed(as_officer, vendor__exact="vult", country="US") == [target.pk]

    def test_filters_list_fixed_values_without_querying_the_table(self, as_officer, django_assert_max_num_queries):
        """No SELECT DISTINCT for the sidebar: the page costs the same with one filter or seven."""
        make_case()
        with django_assert_max_num_queries(20) as captured:
            as_officer.get(QUEUE)
        assert not any("DISTINCT" in q["sql"].upper() for q in captured.captured_queries)


class TestSearch:
    @pytest.mark.parametrize("term", ["Berg", "anna", "REF-SEARCH-1"])
    def test_by_name_or_reference(self, as_officer, term):
        case = make_case(first_name="Anna", last_name="Berg", reference="ref-search-1")
        make_case(first_name="Jean", last_name="Dupont")

        assert listed(as_officer, q=term) == [case.pk]

    def test_by_the_vendors_external_id(self, as_officer):
        case = make_case()
        make_case()

        assert listed(as_officer, q=case.external_id.upper()) == [case.pk]


class TestClaimingFromTheQueue:
    def test_the_claim_button_claims_and_returns_to_the_same_filtered_queue(self, as_officer, officer):
        case = make_case()

        response = as_officer.post(f"/admin/kycdesk/case/{case.pk}/claim/", {"next": f"{QUEUE}?vendor__exact=idenfy"})

        assert response.status_code == 302
        assert response["Location"] == f"{QUEUE}?vendor__exact=idenfy"
        case.refresh_from_db()
        assert case.assigned_to == officer

    def test_a_foreign_next_url_is_ignored(self, as_officer):
        case = make_case()

        response = as_officer.post(f"/admin/kycdesk/case/{case.pk}/claim/", {"next": "https://evil.example/"})

        assert response["Location"] == f"/admin/kycdesk/case/{case.pk}/"

    def test_claiming_a_colleagues_case_shows_why_it_was_refused(self, as_officer, manager):
        case = make_case()
        review.claim(session_id=case.pk, user=manager)

        response = as_officer.post(f"/admin/kycdesk/case/{case.pk}/claim/", follow=True)

        assert "maria is working on this case" in response.content.decode().lower()
        case.refresh_from_db()
        assert case.assigned_to == manager

    def test_my_claimed_row_offers_release_and_a_colleagues_offers_nothing(self, as_officer, officer, manager):
        mine, theirs = make_case(), make_case()
        review.claim(session_id=mine.pk, user=officer)
        review.claim(session_id=theirs.pk, user=manager)

        html = as_officer.get(QUEUE).content.decode()

        assert f"/admin/kycdesk/case/{mine.pk}/release/" in html
        assert f"/admin/kycdesk/case/{theirs.pk}/claim/" not in html

    def test_claim_is_a_post_only_action(self, as_officer):
        case = make_case()

        assert as_officer.get(f"/admin/kycdesk/case/{case.pk}/claim/").status_code == 405


class TestBulkActions:
    def test_bulk_claim(self, as_officer, officer, manager):
        a, b, taken = make_case(), make_case(), make_case()
        review.claim(session_id=taken.pk, user=manager)

        response = as_officer.post(
            QUEUE, {"action": "claim_selected", "_selected_action": [a.pk, b.pk, taken.pk]}, follow=True
        )

        html = response.content.decode()
        assert "2 case(s) claimed." in html and f"Case {taken.pk}: maria is working" in html
        assert set(VerificationSession.objects.filter(assigned_to=officer).values_list("pk", flat=True)) == {a.pk, b.pk}

    def test_bulk_reassign_asks_for_the_assignee_then_reassigns(self, client, manager, officer):
        client.force_login(manager)
        a, b = make_case(), make_case()
        selected = {"action": "reassign_selected", "_selected_action": [a.pk, b.pk]}

        page = client.post(QUEUE, selected)
        assert page.status_code == 200 and "Assign to" in page.content.decode()
        done = client.post(QUEUE, {**selected, "apply": "1", "to_user": officer.pk}, follow=True)

        assert "2 case(s) reassigned." in done.content.decode()
        assert set(VerificationSession.objects.values_list("assigned_to", flat=True)) == {officer.pk}
        assert AuditEntry.objects.filter(action="case_reassign").count() == 2

    def test_officers_are_not_offered_bulk_reassign(self, as_officer):
        make_case()

        html = as_officer.get(QUEUE).content.decode()

        assert "claim_selected" in html and "reassign_selected" not in html


class TestQueryCount:
    """The queue costs the same number of queries at 3 rows and at 40 (fields and documents
    included): joins and one prefetch, no query per row, no COUNT over the whole table."""

    @pytest.mark.parametrize("rows", [3, 40])
    def test_fixed_whatever_the_number_of_rows(
        self, as_officer, officer, manager, rows, django_assert_num_queries, settings
    ):
        for n in range(rows):
            case = make_case(documents=2, fields=3, images=1, extra_media=False, vendor=("idenfy", "vult")[n % 2])
            if n % 3 == 0:
                review.claim(session_id=case.pk, user=(officer, manager)[n % 2])
        with django_assert_num_queries(QUEUE_QUERIES) as captured:
            response = as_officer.get(QUEUE)
        assert response.status_code == 200
        assert not any(
            q["sql"].upper().startswith("SELECT COUNT(*)") and "WHERE" not in q["sql"].upper()
            for q in captured.captured_queries
        )


# staff session, user, user permissions, group permissions, the queue's filtered count, its rows with
# identity and assignee joined, documents prefetched; then saving the staff session (savepoint,
# update, release: SESSION_SAVE_EVERY_REQUEST).
QUEUE_QUERIES = 10


def test_decision_state_choices_used_by_the_queue_exist():
    assert DecisionState.PENDING_SECOND == "pending_second"
