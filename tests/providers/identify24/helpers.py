"""Shared bits of the Identify24 tests: the recorded payloads and a client on a fake host."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "identify24"
BASE = "https://api.identify24.test/"
IDENT = "e9b57479-644d-11ef-b4ac-005056bb3f3f"
#: A complete Identify24 launch form, as staff would fill it in (add "template").
LAUNCH_FORM = {
    "reference": "cust-42",
    "first_name": "Erika",
    "last_name": "Mustermann",
    "birth_date": "1981-09-05",
    "nationality": "de",
    "email": "erika@example.org",
    "phone": "+49 151 1111 1111",
    "street": "Markgrafenstraße",
    "house_no": "23",
    "zip_code": "94670",
    "city": "Nürnberg",
    "country": "DE",
    "language": "de",
}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def raw_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Clock:
    """An injectable monotonic clock for the token store."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
