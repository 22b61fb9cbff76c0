from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
STATIC_ROOT = None  # runserver serves from the finders; nothing is collected
