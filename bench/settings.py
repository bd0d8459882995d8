"""Settings for the bench: kycdesk's own production settings (DEBUG off, two-factor login,
persistent database connections), a PostgreSQL database of its own, and the bench-only URLconf
(the plain admin site, the bare view, the vendor stub). Every value can still be overridden from
the environment."""

import os
import tempfile

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kycdesk_bench"

os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("DEBUG", "off")  # templates and queries as in production
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "off")  # plain HTTP on loopback
os.environ.setdefault("KYCDESK_SANDBOX", "off")  # as in production: the vendor is bench.vendor_stub
os.environ.setdefault("DB_CONN_MAX_AGE", "60")  # what production runs with
# One vendor, as a deployment would configure it: iDenfy, whose API is bench.vendor_stub (the
# webhook bench sets IDENFY_BASE_URL to the running server). The others are switched off.
for _code in ("DATAKEEN", "VULT", "IDENTOMAT", "IDENTIFY24"):
    os.environ.setdefault(f"{_code}_ENABLED", "off")
os.environ.setdefault("IDENFY_BASE_URL", "http://127.0.0.1:9/bench/idenfy/")
os.environ.setdefault("IDENFY_API_KEY", "bench-api-key")
os.environ.setdefault("IDENFY_API_SECRET", "bench-api-secret")
os.environ.setdefault("IDENFY_WEBHOOK_SIGNING_KEY", "bench-idenfy-signing-key")
if "PRIVATE_MEDIA_ROOT" not in os.environ:
    os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="kycdesk-bench-media-")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from kycdesk.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
