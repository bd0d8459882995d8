"""Settings for the test suite: the real settings, with django-q2 in sync mode and fast hashing."""

import os
import tempfile

os.environ.setdefault("Q_SYNC", "on")
os.environ.setdefault("KYCDESK_REQUIRE_2FA", "off")  # tests that need it turn it on
os.environ.setdefault("KYCDESK_SANDBOX", "on")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="kycdesk-test-media-"))

from kycdesk.settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory, so that a real django-q2 cluster started by a test sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.mkdtemp(prefix="kycdesk-test-db-"), "test.sqlite3")}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
