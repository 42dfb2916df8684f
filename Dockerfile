# Production image: gunicorn serving the portal; the same image runs the Celery worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/portal
WORKDIR /app

COPY pyproject.toml README.md ./
COPY secretariat ./secretariat
COPY workgroups ./workgroups
COPY meetings ./meetings
COPY consultations ./consultations
RUN pip install --no-cache-dir .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
# collectstatic only needs a throwaway key; the real one comes from the environment at run time.
RUN SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/portal portal \
    && mkdir -p /var/lib/portal/media && chown -R portal /var/lib/portal

USER portal
EXPOSE 8000
CMD ["gunicorn", "secretariat.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
