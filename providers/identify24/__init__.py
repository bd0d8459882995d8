"""Identify24 VideoIdent: agent-led video identification with appointments, PDFs and recordings.

Vendor document: shared/vendor-docs/identify24-videoident-api.txt (API 1.0.3); our notes:
shared/providers/identify24.md. provider.py wires client.py (HTTP), normalize.py (vendor JSON ->
dataclasses), webhooks.py (unsigned deliveries, URL token) and forms.py (launch form).
"""
