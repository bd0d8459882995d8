"""Hypothesis strategies shared by the fuzz tests: JSON-ish vendor documents and raw bodies."""

from __future__ import annotations

import json

from hypothesis import strategies as st

KEYS = st.sampled_from(
    [
        "status",
        "sessionId",
        "newStatus",
        "scanRef",
        "final",
        "data",
        "result",
        "ident_id",
        "status_code",
        "session_id",
        "person",
        "documents",
        "controls",
        "fileUrls",
        "job_status",
        "predictions",
        "results",
        "extractedInformation",
        "bbox",
        "value",
        "confidence",
        "birthday",
        "docDob",
        "similarity",
        "live",
        "AML",
    ]
) | st.text(min_size=1, max_size=12)

SCALARS = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | st.text(max_size=40)

JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=30,
)
JSON_OBJECTS = st.dictionaries(KEYS, JSON_VALUES, max_size=8)


def _dump(value: object) -> bytes:
    return json.dumps(value).encode()


BODIES = (
    JSON_OBJECTS.map(_dump)
    | JSON_VALUES.map(_dump)
    | st.binary(max_size=300)
    | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
    | st.just(b"")
)
HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
