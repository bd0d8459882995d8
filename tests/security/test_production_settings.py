"""Production settings, each checked in a fresh process started the way a deployment starts it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kycdesk.settings import secret

ROOT = Path(__file__).resolve().parents[2]
VENDORS_OFF = {f"{code}_ENABLED": "off" for code in ("DATAKEEN", "IDENFY", "VULT", "IDENTOMAT", "IDENTIFY24")}
PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "prod-test-key-" + "x7Qp2mZr9LwV4nB8kT1sY6cF3hJ0dG5a" * 2,
    "ALLOWED_HOSTS": "kyc.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://kyc.example.com",
    "KYCDESK_PUBLIC_URL": "https://kyc.example.com",
    "BEHIND_PROXY": "on",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a clean environment: only what a deployment would set."""
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env}
    clean["DJANGO_SETTINGS_MODULE"] = "kycdesk.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def settings_of(names: list[str], **env: str) -> dict:
    code = (
        "from django.conf import settings; import json; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    done = manage("shell", "-c", code, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings():
    done = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **VENDORS_OFF)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_is_clean_with_every_vendor_configured_from_secret_files(tmp_path):
    env = {**PRODUCTION}
    for code, keys in {
        "DATAKEEN": ["USERNAME", "PASSWORD", "WEBHOOK_TOKEN"],
        "IDENFY": ["API_KEY", "API_SECRET", "WEBHOOK_SIGNING_KEY"],
        "VULT": ["CLIENT_ID", "CLIENT_SECRET", "WEBHOOK_TOKEN"],
        "IDENTOMAT": ["COMPANY_KEY"],
        "IDENTIFY24": ["PARTNER", "API_KEY", "WEBHOOK_TOKEN"],
    }.items():
        env[f"{code}_BASE_URL"] = f"https://{code.lower()}.example.com/"
        for key in keys:
            path = tmp_path / f"{code}_{key}"
            path.write_text(f"{code.lower()}-{key.lower()}-from-a-secret-file-0123456789\n")
            env[f"{code}_{key}_FILE"] = str(path)
    env["VULT_TOKEN_URL"] = "https://vult.example.com/oauth/token"

    done = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    vendors = settings_of(["KYCDESK_VENDORS"], **env)["KYCDESK_VENDORS"]

    assert done.returncode == 0, done.stdout + done.stderr
    assert vendors["vult"]["client_secret"] == "vult-client_secret-from-a-secret-file-0123456789"


def test_with_debug_off_no_credential_has_a_default():
    vendors = settings_of(["KYCDESK_VENDORS"], **PRODUCTION)["KYCDESK_VENDORS"]

    credentials = {
        f"{code}.{key}": value
        for code, block in vendors.items()
        for key, value in block.items()
        if key not in ("class", "enabled", "base_url")
    }
    assert credentials and set(credentials.values()) == {""}
    assert {block["base_url"] for block in vendors.values()} == {""}


def test_production_defaults_secure_the_session_and_require_two_factor():
    values = settings_of(
        [
            "KYCDESK_SANDBOX",
            "KYCDESK_REQUIRE_2FA",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_PROXY_SSL_HEADER",
            "X_FRAME_OPTIONS",
            "SECURE_REFERRER_POLICY",
            "KYCDESK_CSP",
        ],
        **PRODUCTION,
    )

    assert values["KYCDESK_SANDBOX"] is False
    assert values["KYCDESK_REQUIRE_2FA"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert (values["X_FRAME_OPTIONS"], values["SECURE_REFERRER_POLICY"]) == ("SAMEORIGIN", "same-origin")
    assert values["KYCDESK_CSP"]["frame-ancestors"] == ["'self'"]


def test_local_mode_keeps_two_factor_off_and_the_sandbox_on():
    values = settings_of(["KYCDESK_SANDBOX", "KYCDESK_REQUIRE_2FA", "DEBUG"])

    assert values == {"KYCDESK_SANDBOX": True, "KYCDESK_REQUIRE_2FA": False, "DEBUG": True}


def test_the_sandbox_cannot_be_switched_on_by_accident_in_production():
    refused = manage("check", **PRODUCTION, **VENDORS_OFF, KYCDESK_SANDBOX="on")
    meant = manage(
        "check", "--deploy", **PRODUCTION, **VENDORS_OFF, KYCDESK_SANDBOX="on", KYCDESK_SANDBOX_IN_PRODUCTION="on"
    )

    assert refused.returncode != 0
    assert "KYCDESK_SANDBOX_IN_PRODUCTION" in refused.stderr
    assert "kycdesk.W001" in meant.stdout + meant.stderr  # and it still warns


def test_the_demo_user_is_refused_with_debug_off():
    done = manage("ensure_demo_user", **PRODUCTION, **VENDORS_OFF)

    assert done.returncode != 0
    assert "only for the local run" in done.stderr


@pytest.fixture
def env(monkeypatch):
    for name in ("KYC_TEST_SECRET", "KYC_TEST_SECRET_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_secret_comes_from_its_variable(env):
    env.setenv("KYC_TEST_SECRET", "from-the-environment")

    assert secret("KYC_TEST_SECRET") == "from-the-environment"


def test_a_secret_file_wins_over_the_variable_and_loses_its_trailing_newline(env, tmp_path):
    path = tmp_path / "secret"
    path.write_text("from-a-file\n")
    env.setenv("KYC_TEST_SECRET", "from-the-environment")
    env.setenv("KYC_TEST_SECRET_FILE", str(path))

    assert secret("KYC_TEST_SECRET") == "from-a-file"


def test_an_unset_secret_is_its_default(env):
    assert secret("KYC_TEST_SECRET") == ""
    assert secret("KYC_TEST_SECRET", default="sandbox") == "sandbox"


def test_a_missing_secret_file_fails_loudly(env, tmp_path):
    env.setenv("KYC_TEST_SECRET_FILE", str(tmp_path / "absent"))

    with pytest.raises(FileNotFoundError):
        secret("KYC_TEST_SECRET")
