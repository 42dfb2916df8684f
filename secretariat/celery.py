"""The Celery app. Broker: ``REDIS_URL``; without it tasks run in-process (settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")

app = Celery("secretariat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
