"""The helpline API on /api/v1/helpline/...: contacts and the steps from them."""

from tipsom.helpline.api import contacts

routes = [*contacts.routes]
paths = [*contacts.paths]
