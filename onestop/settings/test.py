"""The test suite always runs on PostgreSQL (DESIGN: tests run on real parts)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DATABASES = {
    "default": env.db("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/onestop"),
}
# One test database per pytest process, so that parallel runs never drop each other's.
# A live worker started by the integration tests is pointed at that database directly.
if not env.bool("PYTEST_WORKER_DATABASE", default=False):
    DATABASES["default"]["TEST"] = {"NAME": f"test_onestop_{os.getpid()}"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks eagerly; the integration tests start a real worker with this
# module and CELERY_LIVE_BROKER set, and read its e-mail from EMAIL_FILE_PATH.
CELERY_LIVE_BROKER = env("CELERY_LIVE_BROKER", default="")
CELERY_BROKER_URL = CELERY_LIVE_BROKER or "memory://"
CELERY_TASK_ALWAYS_EAGER = not CELERY_LIVE_BROKER
if CELERY_LIVE_BROKER:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STATIC_ROOT = None  # nothing is collected in tests; whitenoise serves from the finders
