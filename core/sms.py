"""SMS delivery behind a small interface; the carrier's gateway plugs in by setting
ONESTOP_SMS_BACKEND to a class with ``send(phone, text)``."""

import logging
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class LoggingSmsBackend:
    """Writes messages to the log instead of sending them (development, tests)."""

    sent = deque(maxlen=100)  # the latest, for inspection in tests and the dev shell

    def send(self, phone, text):
        logger.info("SMS to %s: %s", phone, text)
        self.sent.append((phone, text))


def get_sms_backend():
    return import_string(settings.ONESTOP_SMS_BACKEND)()
