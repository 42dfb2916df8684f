# Production image: gunicorn serving the portal; the same image runs the Celery worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/portal
WORKDIR /app

# Exact versions with hashes from uv.lock (no dev tools), then the portal itself without deps:
# the image holds what CI tested, not whatever the ranges in pyproject.toml resolve to today.
ARG UV_VERSION=0.13.8
# pg_dump/pg_restore for `manage.py backup` / `restore` (make backup / make restore).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml uv.lock README.md ./
RUN pip install --no-cache-dir "uv==${UV_VERSION}" \
    && uv export --frozen --no-emit-project --format requirements-txt -o /tmp/requirements.txt \
    && pip install --no-cache-dir --require-hashes -r /tmp/requirements.txt \
    && pip uninstall -y uv && rm /tmp/requirements.txt
COPY secretariat ./secretariat
COPY workgroups ./workgroups
COPY meetings ./meetings
COPY consultations ./consultations
RUN pip install --no-cache-dir --no-deps .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
# collectstatic only needs a throwaway key; the real one comes from the environment at run time.
RUN SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/portal portal \
    && mkdir -p /var/lib/portal/media /var/lib/portal/beat && chown -R portal /var/lib/portal

USER portal
EXPOSE 8000
CMD ["gunicorn", "secretariat.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
