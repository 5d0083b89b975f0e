#!/usr/bin/env bash
# Serves the portal with a real Celery worker and beat beside it; Ctrl-C stops all three.
set -eu
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
mkdir -p var/log
.venv/bin/celery -A wushui worker --loglevel=INFO --concurrency=2 --logfile=var/log/worker.log &
worker=$!
.venv/bin/celery -A wushui beat --loglevel=INFO --logfile=var/log/beat.log &
beat=$!
trap 'kill $worker $beat 2>/dev/null || true; wait' EXIT INT TERM
echo "Celery worker (pid $worker) and beat (pid $beat) log to var/log/; broker: ${REDIS_URL:-filesystem (var/celery-broker)}"
echo "Portal: http://127.0.0.1:8000"
.venv/bin/python manage.py runserver 127.0.0.1:8000
