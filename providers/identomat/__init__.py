"""Identomat: widget sessions (begin/), polled results (result/), media calls, delete/, optional HMAC.

See shared/vendor-docs/identomat-developer-guide.txt and shared/providers/identomat.md.
"""
