"""Everything vendor-specific. Speaks HTTP and vendor JSON; imports nothing from kycdesk.

kycdesk and providers meet only in the dataclasses of providers.base.
"""
