import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kycdesk.models import VerificationSession

pytestmark = pytest.mark.django_db


def write(tmp_path, content, name="result.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


def test_import_applies_the_result_and_prints_it_normalized(fake_vendor, tmp_path, capsys):
    path = write(
        tmp_path,
        {
            "id": "s9",
            "state": "check",
            "first_name": "Jean",
            "fields": [{"name": "idNumber", "value": "X1", "confidence": 0.5, "box": True}],
        },
    )

    call_command("import_result", "datakeen", str(path))

    printed = json.loads(capsys.readouterr().out)
    assert printed["status"] == "needs_review"
    assert printed["person"] == {
        "first_name": "Jean",
        "last_name": "",
        "birth_date": "1984-07-11",
        "nationality": "",
        "document_number": "",
    }
    assert printed["documents"][0]["fields"] == [
        {
            "name": "idNumber",
            "value": "X1",
            "confidence": 0.5,
            "source": "ocr",
            "bbox": {"page": 0, "x": 0.1, "y": 0.1, "width": 0.2, "height": 0.05},
        }
    ]
    assert VerificationSession.objects.get(external_id="s9").status == "needs_review"


def test_external_id_names_a_result_that_does_not_name_itself(fake_vendor, tmp_path, capsys):
    path = write(tmp_path, {"state": "ok"})

    call_command("import_result", "datakeen", str(path), "--external-id", "given-id")

    assert json.loads(capsys.readouterr().out)["external_id"] == "given-id"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "s1", "state": "ok"', "invalid JSON at line 1"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"id": "s1"}', "no state"),
        (b'{"state": "ok"}', "pass --external-id"),
    ],
)
def test_a_malformed_file_is_a_one_line_error(fake_vendor, tmp_path, content, message):
    with pytest.raises(CommandError) as caught:
        call_command("import_result", "datakeen", str(write(tmp_path, content)))

    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unknown_vendor_is_a_one_line_error(tmp_path):
    with pytest.raises(CommandError, match="Unknown vendor 'acme'"):
        call_command("import_result", "acme", str(write(tmp_path, {"state": "ok"})))


def test_a_missing_file_is_a_one_line_error(fake_vendor, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_result", "datakeen", str(tmp_path / "nope.json"))


def test_from_the_shell_an_error_exits_non_zero_without_a_traceback(fake_vendor, tmp_path):
    import subprocess
    import sys

    path = write(tmp_path, b"{oops")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_result", "nosuchvendor", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("CommandError: Unknown vendor 'nosuchvendor'")
