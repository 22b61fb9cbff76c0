"""The Celery application. Apps declare tasks with ``shared_task`` and never import this."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings.dev")

app = Celery("onestop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
