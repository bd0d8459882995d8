"""The case page's shaping: MRZ/visual comparison, twins, pages of boxes, the gauge, sections."""

import pytest

from kycdesk.admin import casedata
from kycdesk.models import Document, ExtractedField, Media


@pytest.mark.parametrize(
    ("mrz", "visual"),
    [
        ("JEAN<PIERRE", "Jean-Pierre"),
        ("HELENE", "Hélène"),
        ("840711", "11.07.1984"),
        ("840711", "1984-07-11"),
        ("840711", "07/11/1984"),  # US order (Identomat)
        ("M", "MALE"),
        ("X12345", "x 12345"),
    ],
)
def test_these_mrz_and_visual_values_agree(mrz, visual):
    assert casedata.values_agree(mrz, visual)


@pytest.mark.parametrize(
    ("mrz", "visual"),
    [("JEAN", "JEANNE"), ("840712", "11.07.1984"), ("F", "MALE"), ("X12345", "X12346"), ("DUPONT", "")],
)
def test_these_mrz_and_visual_values_disagree(mrz, visual):
    assert not casedata.values_agree(mrz, visual)


def field(pk, name, value, source="ocr", confidence=None, **box):
    return ExtractedField(pk=pk, name=name, value=value, source=source, confidence=confidence, **box)


def test_twins_pair_a_named_mrz_field_with_its_visual_field_both_ways():
    first, first_mrz, mrz_line = (
        field(1, "firstName", "Jean"),
        field(2, "firstNameMRZ", "JEAN", "mrz"),
        field(3, "mrz", "IDFRA...", "mrz"),
    )

    twins = casedata.mrz_twins([first, first_mrz, mrz_line])

    assert twins == {1: first_mrz, 2: first}


def test_twins_pair_one_name_read_from_two_sources():
    visual, mrz = field(1, "birth_date", "11.07.1984"), field(2, "birth_date_mrz", "840712", "mrz")

    rows = casedata.field_rows([visual, mrz], threshold=0.8)

    assert [row.disagrees for row in rows] == [True, True]
    assert rows[0].twin_label == "MRZ" and rows[1].twin_label == "visual"


def test_low_confidence_is_below_the_threshold_and_none_is_not_low():
    rows = casedata.field_rows(
        [field(1, "a", "x", confidence=0.79), field(2, "b", "y", confidence=0.8), field(3, "c", "z")], 0.8
    )

    assert [row.low_confidence for row in rows] == [True, False, False]


def media(pk, kind, document_id=None, content_type="image/jpeg", state="stored"):
    return Media(pk=pk, kind=kind, document_id=document_id, content_type=content_type, state=state, session_id=1)


def test_boxes_go_on_the_page_each_image_shows():
    doc = Document(pk=10, position=0, type="id-card")
    fields = {
        10: [
            field(1, "name", "A", bbox_page=0, bbox_x=0.1, bbox_y=0.1, bbox_width=0.2, bbox_height=0.1),
            field(2, "address", "B", bbox_page=1, bbox_x=0.5, bbox_y=0.5, bbox_width=0.2, bbox_height=0.1),
        ]
    }
    back, front = media(2, "document_back", 10), media(1, "document_front", 10)

    views, others = casedata.document_views([doc], fields, [back, front], 0.8)

    images = views[0].images
    assert [(i.media.kind, i.page, [b.id for b in i.boxes]) for i in images] == [
        ("document_front", 0, ["box-1"]),
        ("document_back", 1, ["box-2"]),
    ]
    assert not others.images and not others.files


def test_a_document_picture_without_a_document_goes_to_the_only_document():
    doc = Document(pk=10, position=0)

    views, others = casedata.document_views([doc], {}, [media(1, "document_front"), media(2, "selfie")], 0.8)

    assert [i.media.pk for i in views[0].images] == [1]
    assert [i.media.pk for i in others.images] == [2]


def test_pdfs_videos_and_files_not_stored_are_listed_not_shown_as_images():
    pdf = media(1, "report_pdf", content_type="application/pdf")
    video = media(2, "recording", content_type="video/webm")
    pending = media(3, "selfie", content_type="", state="pending")

    _, others = casedata.document_views([], {}, [pdf, video, pending], 0.8)

    assert [(m.pk, m.view_kind) for m in others.files] == [(1, "pdf"), (2, "video"), (3, "image")]
    assert others.images == []


@pytest.mark.parametrize(
    ("value", "percent", "css"), [(0.0, 0, "kd-bad"), (0.5, 50, "kd-warn"), (0.93, 93, "kd-good"), (87, 87, "kd-good")]
)
def test_the_similarity_gauge(value, percent, css):
    gauge = casedata.gauge(value)

    assert (gauge.percent, gauge.css) == (percent, css)
    assert (gauge.arc == "") is (value == 0)


def test_no_similarity_no_gauge():
    assert casedata.gauge(None) is None


def test_sections_accept_whatever_row_shape_a_vendor_used():
    tables = casedata.section_tables(
        [{"title": "DMV", "rows": [["License", "valid"], {"Class": "C"}, "free text"]}, "junk", {"rows": []}]
    )

    assert tables == [
        {"title": "DMV", "rows": [("License", "valid"), ("Class", "C"), ("", "free text")]},
        {"title": "Vendor data", "rows": []},
    ]


def test_reasons_in_words_fall_back_to_the_code_made_readable():
    assert casedata.reason_rows([{"code": "DOC_FAKE", "kind": "fraud", "text": ""}, "junk"]) == [
        {"code": "DOC_FAKE", "kind": "fraud", "text": "Doc fake"}
    ]
