"""Synthetic media for the simulators, drawn with Pillow: a specimen identity card whose layout
matches the boxes the simulators report, a selfie placeholder, PDFs, a screenshot, a video.
Nothing of a real person: every value comes from what the tester typed or from defaults."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Mapping
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ASSETS = Path(__file__).resolve().parent / "assets"
CARD_SIZE = (1012, 638)  # ID-1 proportions (85.6 x 54 mm)

# Where each value is printed, as fractions of the card (x, y, width, height). Simulators report
# these as the vendor's bounding boxes, so the boxes drawn in the admin land on the text.
FRONT_BOXES: dict[str, tuple[float, float, float, float]] = {
    "photo": (0.04, 0.22, 0.27, 0.62),
    "lastName": (0.36, 0.22, 0.42, 0.07),
    "firstName": (0.36, 0.33, 0.52, 0.07),
    "gender": (0.36, 0.45, 0.05, 0.06),
    "nationality": (0.47, 0.45, 0.09, 0.06),
    "birthDate": (0.62, 0.45, 0.2, 0.06),
    "birthPlace": (0.36, 0.56, 0.4, 0.06),
    "idNumber": (0.36, 0.67, 0.32, 0.06),
    "expiryDate": (0.74, 0.67, 0.2, 0.06),
}
BACK_BOXES: dict[str, tuple[float, float, float, float]] = {
    "address": (0.05, 0.22, 0.62, 0.08),
    "deliveryDate": (0.05, 0.41, 0.22, 0.06),
    "authority": (0.35, 0.41, 0.45, 0.06),
    "mrz": (0.04, 0.66, 0.92, 0.27),
}
LABELS = {
    "lastName": "Surname",
    "firstName": "Given names",
    "gender": "Sex",
    "nationality": "Nat.",
    "birthDate": "Date of birth",
    "birthPlace": "Place of birth",
    "idNumber": "Document no.",
    "expiryDate": "Expiry",
    "address": "Address",
    "deliveryDate": "Issued",
    "authority": "Authority",
}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(8, size))


def _date(value: str, fmt: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime(fmt)
    except (TypeError, ValueError):
        return value or ""


def _check_digit(text: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1)."""
    values = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
    return str(sum(values.get(c, 0) * (7, 3, 1)[i % 3] for i, c in enumerate(text)) % 10)


def _mrz_name(value: str) -> str:
    return "".join(c if c.isalnum() else "<" for c in value.upper())


def mrz_td1(person: Mapping[str, str]) -> list[str]:
    """Three 30-character TD1 lines with valid check digits."""
    number = _mrz_name(person.get("document_number", "SPEC00001"))[:9].ljust(9, "<")
    country = (person.get("nationality") or "UTO")[:3].upper().ljust(3, "<")
    birth = _date(person.get("birth_date", ""), "%y%m%d") or "000000"
    expiry = _date(person.get("expiry_date", ""), "%y%m%d") or "000000"
    sex = (person.get("gender") or "<")[:1].upper()
    line1 = f"ID{country}{number}{_check_digit(number)}".ljust(30, "<")
    line2 = f"{birth}{_check_digit(birth)}{sex}{expiry}{_check_digit(expiry)}{country}".ljust(29, "<")
    line2 += _check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    name = f"{_mrz_name(person.get('last_name', ''))}<<{_mrz_name(person.get('first_name', ''))}"
    return [line1, line2, name[:30].ljust(30, "<")]


def card_values(person: Mapping[str, str], date_format: str = "%d.%m.%Y") -> dict[str, str]:
    """The printed value of every box, from the person's data (ISO dates in, printed dates out)."""
    return {
        "lastName": person.get("last_name", "").upper(),
        "firstName": person.get("first_name", ""),
        "gender": person.get("gender", "X")[:1].upper(),
        "nationality": person.get("nationality", "UTO").upper(),
        "birthDate": _date(person.get("birth_date", ""), date_format),
        "birthPlace": person.get("birth_place", "SPECIMEN CITY").upper(),
        "idNumber": person.get("document_number", "SPEC00001"),
        "expiryDate": _date(person.get("expiry_date", ""), date_format),
        "address": person.get("address", "1 Specimen Street, Sandbox"),
        "deliveryDate": _date(person.get("issue_date", ""), date_format),
        "authority": "SANDBOX AUTHORITY",
        "mrz": "\n".join(mrz_td1(person)),
    }


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def _box_px(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    width, height = CARD_SIZE
    x, y, w, h = box
    return int(x * width), int(y * height), int((x + w) * width), int((y + h) * height)


def id_card(person: Mapping[str, str], side: str = "front", date_format: str = "%d.%m.%Y") -> bytes:
    """A JPEG specimen card. Each value is printed inside its box of FRONT_BOXES / BACK_BOXES."""
    image = Image.new("RGB", CARD_SIZE, (221, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD_SIZE[0], 90), fill=(30, 64, 110))
    title = "SPECIMEN IDENTITY CARD - SANDBOX" if side == "front" else "SANDBOX - NOT A REAL DOCUMENT"
    draw.text((30, 25), title, fill="white", font=_font(34))
    boxes = FRONT_BOXES if side == "front" else BACK_BOXES
    values = card_values(person, date_format)
    for name, box in boxes.items():
        left, top, right, bottom = _box_px(box)
        if name == "photo":
            draw.rectangle((left, top, right, bottom), fill=(190, 200, 210), outline=(90, 90, 90), width=2)
            cx, cy = (left + right) // 2, (top + bottom) // 2
            draw.ellipse((cx - 60, cy - 110, cx + 60, cy + 20), fill=(150, 160, 170))
            draw.rectangle((cx - 100, cy + 40, cx + 100, bottom - 4), fill=(150, 160, 170))
            continue
        if name in LABELS:
            draw.text((left, top - 18), LABELS[name], fill=(80, 90, 100), font=_font(15))
        if name == "mrz":
            draw.multiline_text(
                (left, top + 4), values[name], fill="black", font=_font(int((bottom - top) / 3.6)), spacing=6
            )
        else:
            draw.text((left, top), values.get(name, ""), fill="black", font=_font(int((bottom - top) * 0.8)))
    return _encode(image, "JPEG")


def selfie(label: str = "") -> bytes:
    image = Image.new("RGB", (480, 640), (200, 215, 225))
    draw = ImageDraw.Draw(image)
    seed = int(hashlib.sha256(label.encode()).hexdigest()[:6], 16)
    tone = (170 + seed % 60, 140 + seed % 50, 120 + seed % 40)
    draw.ellipse((140, 120, 340, 380), fill=tone)
    draw.rectangle((90, 400, 390, 640), fill=(70, 90, 120))
    draw.ellipse((190, 220, 215, 240), fill="black")
    draw.ellipse((265, 220, 290, 240), fill="black")
    draw.arc((200, 270, 280, 330), 20, 160, fill="black", width=4)
    draw.text((20, 20), "SANDBOX SELFIE", fill="black", font=_font(28))
    return _encode(image, "JPEG")


def screenshot(label: str = "Video ident") -> bytes:
    image = Image.new("RGB", (640, 360), (20, 24, 30))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 40, 310, 330), fill=(60, 70, 80))
    draw.rectangle((330, 40, 620, 330), fill=(70, 80, 95))
    draw.text((20, 10), f"{label} - sandbox screenshot", fill="white", font=_font(18))
    return _encode(image, "PNG")


def _pdf_escape(text: str) -> str:
    return (
        text.encode("latin-1", "replace")
        .decode("latin-1")
        .replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
    )


def pdf(title: str, lines: list[str], *, signed: bool = False) -> bytes:
    """A small valid one-page PDF (hand-written objects, correct xref offsets)."""
    text = [f"BT /F1 18 Tf 50 790 Td ({_pdf_escape(title)}) Tj ET"]
    y = 760
    for line in [*lines, *(["", "Digitally signed (sandbox signature, not legally valid)."] if signed else [])]:
        text.append(f"BT /F1 11 Tf 50 {y} Td ({_pdf_escape(line)}) Tj ET")
        y -= 16
    if signed:
        text.append("0.1 0.4 0.1 RG 2 w 50 80 220 60 re S")
        text.append("BT /F1 10 Tf 60 115 Td (SANDBOX SIGNATURE) Tj ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def video(container: str = "webm") -> bytes:
    """A short playable synthetic video (see assets/README.md)."""
    return (ASSETS / f"sample.{container}").read_bytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
