"""System checks: an enabled vendor with missing or malformed settings is reported by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

# Settings each vendor cannot work without, by the name of the environment variable.
REQUIRED = {
    "datakeen": {
        "base_url": "DATAKEEN_BASE_URL",
        "username": "DATAKEEN_USERNAME",
        "password": "DATAKEEN_PASSWORD",
        "webhook_token": "DATAKEEN_WEBHOOK_TOKEN",
    },
    "idenfy": {
        "base_url": "IDENFY_BASE_URL",
        "api_key": "IDENFY_API_KEY",
        "api_secret": "IDENFY_API_SECRET",
        "webhook_signing_key": "IDENFY_WEBHOOK_SIGNING_KEY",
    },
    "vult": {
        "base_url": "VULT_BASE_URL",
        "client_id": "VULT_CLIENT_ID",
        "client_secret": "VULT_CLIENT_SECRET",
        "token_url": "VULT_TOKEN_URL",
        "webhook_token": "VULT_WEBHOOK_TOKEN",
    },
    "identomat": {"base_url": "IDENTOMAT_BASE_URL", "company_key": "IDENTOMAT_COMPANY_KEY"},
    "identify24": {
        "base_url": "IDENTIFY24_BASE_URL",
        "partner": "IDENTIFY24_PARTNER",
        "api_key": "IDENTIFY24_API_KEY",
        "webhook_token": "IDENTIFY24_WEBHOOK_TOKEN",
    },
}
URL_KEYS = {"base_url", "token_url"}
TOKEN_KEYS = {"webhook_token", "webhook_signing_key"}
MIN_TOKEN_LENGTH = 16


def _problems(code: str, block: dict[str, Any]) -> Iterable[str]:
    for key, env_name in REQUIRED.get(code, {}).items():
        value = str(block.get(key, "") or "")
        if not value:
            yield f"{env_name} is not set."
        elif key in URL_KEYS and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
            yield f"{env_name} is not an http(s) URL."
        elif key in TOKEN_KEYS and len(value) < MIN_TOKEN_LENGTH:
            yield f"{env_name} is shorter than {MIN_TOKEN_LENGTH} characters: it guards a public endpoint."
    if "class" not in block:
        yield f"KYCDESK_VENDORS[{code!r}] has no provider class."


def check_vendor_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for code, block in getattr(settings, "KYCDESK_VENDORS", {}).items():
        if not block.get("enabled", True):
            continue
        for problem in _problems(code, block):
            messages.append(
                Error(
                    f"Vendor {code!r} is enabled but {problem}",
                    hint=f"Set it in the environment (see .env.example) or set {code.upper()}_ENABLED=off.",
                    id="kycdesk.E001",
                )
            )
    return messages


def check_sandbox_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "KYCDESK_SANDBOX", False) and not settings.DEBUG:
        return [
            Warning(
                "KYCDESK_SANDBOX is on while DEBUG is off: the vendor simulators are served.",
                hint="Unset KYCDESK_SANDBOX in production.",
                id="kycdesk.W001",
            )
        ]
    return []
