"""The justice API on /api/v1/justice/...: each part of the record brings its routes and plain paths."""

from tipsom.justice.api import cases, cooperation, incidents, process, provisions, reports, victims

_PARTS = (cases, process, victims, cooperation, incidents, provisions, reports)
routes = [route for part in _PARTS for route in part.routes]
paths = [entry for part in _PARTS for entry in part.paths]
