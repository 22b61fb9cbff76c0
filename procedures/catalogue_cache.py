"""What is cached from the catalogue, and how a catalogue change retires all of it at
once: every key derived from the catalogue carries its stamp, which every change replaces.
Read by the selectors and the API, written by the services and the models' signals."""

import time

from django.core.cache import cache
from django.db import transaction

CATALOGUE_VERSION_KEY = "procedures:catalogue-version"
# How long an answer derived from the catalogue is kept at most: every catalogue change
# retires it at once; the limit only bounds edits made behind the application's back.
CATALOGUE_CACHE_TIMEOUT = 300  # seconds


def catalogue_version():
    """A stamp that changes whenever the catalogue does; part of every cache key derived
    from it (list counts, the unit filter, current versions), so a change retires them
    all at once."""
    version = cache.get(CATALOGUE_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(CATALOGUE_VERSION_KEY, version, timeout=None)
        version = cache.get(CATALOGUE_VERSION_KEY, version)
    return version


def derived_from_catalogue(name, compute):
    """``compute()``, remembered under ``name`` and the catalogue's stamp: kept until the
    catalogue changes (or ``CATALOGUE_CACHE_TIMEOUT`` passes)."""
    key = f"procedures:{name}:{catalogue_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CATALOGUE_CACHE_TIMEOUT)
    return value


def catalogue_changed(**_signal_kwargs):
    """Retire what was cached from the catalogue once the change is committed (a reader
    in between would otherwise cache the old state under the new stamp). Connected to
    the models' signals; bulk writes, which send none, call it themselves."""
    transaction.on_commit(lambda: cache.set(CATALOGUE_VERSION_KEY, time.time_ns(), None))
