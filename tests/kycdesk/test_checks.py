import copy

from kycdesk.checks import check_sandbox_in_production, check_vendor_settings


def vendors_with(settings, code, **changes):
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors[code].update(changes)
    return vendors


def test_local_defaults_pass_the_vendor_checks(settings):
    assert check_vendor_settings() == []


def test_an_enabled_vendor_missing_a_credential_is_reported_by_setting_name(settings):
    settings.KYCDESK_VENDORS = vendors_with(settings, "idenfy", api_secret="")

    messages = check_vendor_settings()

    assert [m.id for m in messages] == ["kycdesk.E001"]
    assert "IDENFY_API_SECRET is not set" in messages[0].msg


def test_a_malformed_base_url_is_reported(settings):
    settings.KYCDESK_VENDORS = vendors_with(settings, "vult", base_url="ftp:/nowhere")

    assert "VULT_BASE_URL is not an http(s) URL" in check_vendor_settings()[0].msg


def test_a_short_webhook_token_is_reported(settings):
    settings.KYCDESK_VENDORS = vendors_with(settings, "datakeen", webhook_token="abc")

    assert "DATAKEEN_WEBHOOK_TOKEN is shorter" in check_vendor_settings()[0].msg


def test_a_disabled_vendor_is_not_checked(settings):
    settings.KYCDESK_VENDORS = vendors_with(settings, "identify24", enabled=False, partner="", api_key="")

    assert check_vendor_settings() == []


def test_the_sandbox_on_with_debug_off_warns_in_deploy_checks(settings):
    settings.DEBUG = False
    settings.KYCDESK_SANDBOX = True

    assert [m.id for m in check_sandbox_in_production()] == ["kycdesk.W001"]


def test_the_sandbox_on_in_local_mode_does_not_warn(settings):
    settings.DEBUG = True
    settings.KYCDESK_SANDBOX = True

    assert check_sandbox_in_production() == []
