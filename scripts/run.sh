#!/usr/bin/env bash
# Starts the django-q2 cluster and the web server; Ctrl-C stops both.
# The cluster is stopped by signalling its main process only: SIGTERM to its whole process group
# can hang it (shared/notes/django-q2.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADDR=${KYCDESK_ADDR:-127.0.0.1:8000}

$PY manage.py ensure_demo_user
$PY manage.py sync_schedules
if $PY manage.py help demo >/dev/null 2>&1; then
  $PY manage.py demo --if-empty || echo "demo data could not be created; the admin still works"
fi

$PY manage.py qcluster &
QCLUSTER=$!
stop() {
  kill -TERM "$QCLUSTER" 2>/dev/null || true
  wait "$QCLUSTER" 2>/dev/null || true
}
trap stop EXIT INT TERM

echo
echo "kycdesk is starting at http://${ADDR}/admin/"
$PY manage.py runserver "$ADDR" --noreload
