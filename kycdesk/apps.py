from django.apps import AppConfig


class KycdeskConfig(AppConfig):
    name = "kycdesk"
    verbose_name = "KYC desk"

    def ready(self) -> None:
        # Registering checks is explicit here rather than a side effect of some other import.
        from django.core import checks

        from kycdesk import checks as kycdesk_checks

        checks.register(kycdesk_checks.check_vendor_settings, checks.Tags.compatibility)
        checks.register(kycdesk_checks.check_sandbox_in_production, checks.Tags.security, deploy=True)
