"""No secret, token, name, birth date or document number in any log line, with logging at DEBUG.

Each flow (tests/security/logflows.py) runs with the root logger at DEBUG (what LOG_LEVEL=DEBUG
gives in production) and SQL logging forced on; the loggers kycdesk.settings.LOGGING pins
(urllib3, django.db.backends...) keep their levels, since that configuration is what is tested.
When a vendor lands, the lead adds its flow here.
"""

import logging

import pytest
from django.db import connection
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db

LIVE = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # vendor flows against sandbox_live
FLOWS = [
    "tests.security.logflows.fake_vendor_case_lifecycle",
    "tests.security.logflows.http_seam_login_refresh_and_errors",
    pytest.param("tests.security.logflows.datakeen_live", marks=LIVE),
    pytest.param("tests.security.logflows.vult_live", marks=LIVE),
    # Each vendor, when it lands: pytest.param("tests.security.logflows.<code>_live", marks=LIVE),
]

FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")  # settings.LOGGING "plain"


@pytest.mark.parametrize("flow", FLOWS, ids=lambda path: str(path).rsplit(".", 1)[-1])
def test_no_secret_or_personal_value_reaches_any_log_line(flow, request, caplog):
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        secrets = import_string(flow)(request)
    finally:
        connection.force_debug_cursor = False

    lines = [FORMAT.format(record) for record in caplog.records]
    leaks = [(secret, line) for line in lines for secret in secrets if secret.lower() in line.lower()]
    assert lines, "the flow logged nothing: the capture is not working"
    assert leaks == []
