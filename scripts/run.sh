#!/usr/bin/env bash
# Serves the portal with a real Celery worker and beat and the HJ 212 listener beside it; Ctrl-C stops all four.
set -eu
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
mkdir -p var/log
.venv/bin/celery -A wushui worker --loglevel=INFO --concurrency=2 --logfile=var/log/worker.log &
worker=$!
.venv/bin/celery -A wushui beat --loglevel=INFO --logfile=var/log/beat.log &
beat=$!
# Automatic water-quality stations connect here (HJ212_HOST, HJ212_PORT; default 127.0.0.1:9212).
.venv/bin/python manage.py hj212_listen >>var/log/hj212.log 2>&1 &
listener=$!
trap 'kill $worker $beat $listener 2>/dev/null || true; wait' EXIT INT TERM
echo "Celery worker (pid $worker) and beat (pid $beat) log to var/log/; broker: ${REDIS_URL:-filesystem (var/celery-broker)}"
echo "HJ 212 listener (pid $listener) on ${HJ212_HOST:-127.0.0.1}:${HJ212_PORT:-9212}, log var/log/hj212.log"
echo "Portal: http://127.0.0.1:8000"
.venv/bin/python manage.py runserver 127.0.0.1:8000
