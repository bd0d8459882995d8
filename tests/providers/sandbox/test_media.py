import io

from PIL import Image

from providers.sandbox import media

PERSON = {
    "first_name": "Jeanne",
    "last_name": "Martin",
    "birth_date": "1984-07-11",
    "nationality": "FRA",
    "document_number": "X4RTBPFW4",
    "expiry_date": "2034-10-06",
    "gender": "F",
}


def test_the_card_is_a_jpeg_of_id1_proportions():
    image = Image.open(io.BytesIO(media.id_card(PERSON, "front")))

    assert (image.format, image.size) == ("JPEG", media.CARD_SIZE)


def test_every_box_lies_on_the_card():
    for box in [*media.FRONT_BOXES.values(), *media.BACK_BOXES.values()]:
        x, y, w, h = box
        assert 0 <= x and 0 <= y and x + w <= 1 and y + h <= 1


def test_text_is_printed_inside_its_box_and_not_elsewhere_on_the_line():
    image = Image.open(io.BytesIO(media.id_card(PERSON, "front"))).convert("L")
    width, height = image.size
    x, y, w, h = media.FRONT_BOXES["lastName"]
    inside = image.crop((int(x * width), int(y * height), int((x + w) * width), int((y + h) * height)))
    blank = Image.open(io.BytesIO(media.id_card({**PERSON, "last_name": ""}, "front"))).convert("L")
    blank_inside = blank.crop((int(x * width), int(y * height), int((x + w) * width), int((y + h) * height)))

    assert inside.getextrema()[0] < 80  # dark text pixels in the box
    assert blank_inside.getextrema()[0] > 150  # and none when there is no value


def test_the_mrz_has_valid_icao_check_digits():
    line1, line2, line3 = media.mrz_td1(PERSON)

    assert [len(line1), len(line2), len(line3)] == [30, 30, 30]
    assert line1[14] == media._check_digit(line1[5:14])
    assert line2[6] == media._check_digit("840711")
    assert line2[14] == media._check_digit("341006")
    assert line3.startswith("MARTIN<<JEANNE")


def test_icao_check_digit_matches_the_specimen_in_doc_9303():
    # ICAO Doc 9303 part 3 worked example: document number L898902C3 has check digit 6.
    assert media._check_digit("L898902C3") == "6"
    assert media._check_digit("740812") == "2"


def test_the_pdf_is_well_formed_and_the_signed_one_says_so():
    plain = media.pdf("Identification report", ["Name: Jeanne Martin"])
    signed = media.pdf("Identification report", ["Name: Jeanne Martin"], signed=True)

    for data in (plain, signed):
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
        xref_at = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
        assert data[xref_at:].startswith(b"xref")
    assert b"Digitally signed" in signed and b"Digitally signed" not in plain


def test_selfie_screenshot_and_videos_have_their_formats():
    assert Image.open(io.BytesIO(media.selfie("x"))).format == "JPEG"
    assert Image.open(io.BytesIO(media.screenshot())).format == "PNG"
    assert media.video("webm").startswith(b"\x1a\x45\xdf\xa3")
    assert media.video("mp4")[4:8] == b"ftyp"
