"""``make bench``: kycdesk measured at a million cases on PostgreSQL (issue 12, BENCHMARKS.md).

Modules: dataset (COPY-fast realistic data), admin_timing (real admin views beside a plain
ModelAdmin), webhook_load (gunicorn + load generator + django-q2 drain), memory (streamed
download and thumbnail peaks), report (BENCHMARKS.md and the name: value lines).
"""
