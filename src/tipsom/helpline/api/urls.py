"""The helpline API on /api/v1/helpline/...: contacts and the steps from them; blocked numbers and statistics."""

from tipsom.helpline.api import contacts, quality

routes = [*contacts.routes, *quality.routes]
paths = [*contacts.paths, *quality.paths]
