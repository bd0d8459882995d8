"""The people and outcomes the VULT simulator produces: specimen persons, the IDV outcomes, the
test read and the capture locations VULT would hold after a capture."""

from __future__ import annotations

import hashlib
from typing import Any

from providers.vult.normalize import DMV_MATCHES

# Invented values (the document lists only "unknown"): see the package docstring (__init__.py).
DMV_MATCH, DMV_MISMATCH, DMV_NOT_APPLICABLE = "verified", "mismatch", "not_applicable"
OFAC_CLEAR, OFAC_POTENTIAL = "clear", "potential_match"


# --- the people and outcomes the simulator produces -------------------------------------------
PEOPLE = [
    ("JANE", "Q", "SAMPLE", "1988-07-04", "female", "2570 24TH STREET", "SACRAMENTO", "CA", "95818"),
    ("JOHN", "", "SPECIMEN", "1979-11-30", "male", "100 MAIN STREET", "AUSTIN", "TX", "78701"),
    ("MARIA", "L", "EXAMPLE", "1993-02-17", "female", "41 HARBOR WAY", "BOSTON", "MA", "02110"),
]


def fake_person(reference: str) -> dict[str, str]:
    """A specimen person, the same for the same reference (VULT keeps one identity per person)."""
    first, middle, last, birth, gender, street, city, state, postal = PEOPLE[
        int(hashlib.sha256(reference.encode()).hexdigest(), 16) % len(PEOPLE)
    ]
    digits = int(hashlib.sha256(f"doc:{reference}".encode()).hexdigest(), 16) % 10**7
    return {
        "first_name": first,
        "middle_name": middle,
        "last_name": last,
        "birth_date": birth,
        "gender_e": gender,
        "street": street,
        "city": city,
        "state": state,
        "postal_code": postal,
        "document_number": f"D{digits:07d}",
    }


# outcome -> (document type, status_e, verified, failing checks, dmv_status_e, ofac_status_e, score)
IDV_OUTCOMES: dict[str, tuple[str, str, bool, tuple[str, ...], str, str, float]] = {
    "verified": ("driver_license", "complete", True, (), DMV_MATCH, OFAC_CLEAR, 0.94),
    "verified_passport": ("passport", "complete", True, (), DMV_NOT_APPLICABLE, OFAC_CLEAR, 0.91),
    "dmv_mismatch": (
        "driver_license",
        "complete",
        False,
        ("dmv_birth_date_match", "dmv_document_number_match"),
        DMV_MISMATCH,
        OFAC_CLEAR,
        0.41,
    ),
    "manipulated": (
        "identification_card",
        "complete",
        False,
        ("doc_front_image_manipulation", "doc_front_online_duplication"),
        DMV_MATCH,
        OFAC_CLEAR,
        0.22,
    ),
    "ofac_potential_match": (
        "passport_card",
        "temporarily_blocked",
        False,
        (),
        DMV_NOT_APPLICABLE,
        OFAC_POTENTIAL,
        0.67,
    ),
}
DMV_DOCUMENTS = {"driver_license", "identification_card"}  # AAMVA records exist for these only


def test_read(document_type: str, failing: tuple[str, ...]) -> dict[str, Any]:
    has_back = document_type != "passport"
    tests: dict[str, Any] = {}
    for side in ("front", "back"):
        for check in ("image_manipulation", "is_identity_document", "online_duplication", "suspicious_words"):
            name = f"doc_{side}_{check}"
            tests[name] = ("fail" if name in failing else "pass") if side == "front" or has_back else None
    dmv = document_type in DMV_DOCUMENTS
    for name in DMV_MATCHES:
        tests[name] = (name not in failing) if dmv else None
    for name in ("document_number_crosscheck", "name_crosscheck", "address_crosscheck"):
        tests[name] = name not in failing
    return tests


def location(step: int) -> dict[str, Any]:
    return {
        "ip_address": "198.51.100.23",
        "ip_latitude": 38.5816,
        "ip_longitude": -121.4944,
        "ip_country": "US",
        "ip_region": "California",
        "ip_city": "Sacramento",
        "device_location": "Sacramento, California",
        "device_latitude": 38.5816 + step / 1000,
        "device_longitude": -121.4944,
        "device_country_name": "United States",
        "device_country_code": "US",
        "device_admin_area": "California",
        "device_sub_admin_area": "Sacramento County",
        "device_locality": "Sacramento",
    }
