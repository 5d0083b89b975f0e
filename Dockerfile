# Wushui river-chief portal: one image for web (gunicorn), Celery worker,
# Celery beat and one-shot management commands. See docker-compose.yml.

# --- Front-end libraries (package.json) -------------------------------------
# Served by the portal itself (no CDN): node_modules/htmx.org and echarts are picked up
# through STATICFILES_DIRS and gathered by collectstatic below.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package*.json ./
RUN if [ -f package-lock.json ]; then \
        npm ci --omit=dev --ignore-scripts --no-audit --no-fund; \
    else \
        npm install --omit=dev --ignore-scripts --no-audit --no-fund; \
    fi

# --- Python runtime ----------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=wushui.settings

# GeoDjango needs GDAL and GEOS (pulled in by gdal-bin); SpatiaLite keeps the
# embedded database usable inside the image (e.g. for a quick test run).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libsqlite3-mod-spatialite \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 wushui \
    && useradd --system --uid 10001 --gid wushui --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin wushui

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --from=assets /build/node_modules ./node_modules
COPY . .

# Static files are gathered at build time; no database is touched. The build
# runs with WUSHUI_PRODUCTION=1 on purpose: production uses whitenoise's
# CompressedManifestStaticFilesStorage, which needs the staticfiles.json
# manifest that only that storage writes (built without it, every {% static %}
# fails at run time with "Missing staticfiles manifest entry"). Production mode
# demands a SECRET_KEY of 32+ characters, hence the throw-away one; it exists
# only in this RUN step and is not kept in the image.
RUN SECRET_KEY=build-only-throwaway-secret-key-not-used-at-run-time \
        WUSHUI_PRODUCTION=1 \
        python manage.py collectstatic --noinput

# Writable state lives outside the code: uploads (MEDIA_ROOT, a shared volume
# in docker-compose.yml) and the var folder (Celery beat's schedule file).
# Created here, owned by the app user, so fresh named volumes inherit that owner.
RUN mkdir -p /data/media /data/var && chown -R wushui:wushui /data
ENV MEDIA_ROOT=/data/media \
    WUSHUI_VAR_DIR=/data/var

USER wushui

EXPOSE 8000 9212

CMD ["gunicorn", "wushui.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
