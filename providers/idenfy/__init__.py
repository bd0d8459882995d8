"""iDenfy: hosted document + face verification, signed webhooks, fraud and mismatch tags.

Vendor documents: shared/vendor-docs/idenfy-create-session.txt (token creation) and
shared/providers/idenfy.md (our notes on the rest of the API and the webhooks).
"""
