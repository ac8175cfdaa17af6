"""WSGI entry point (gunicorn tipsom.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
application = get_wsgi_application()
