"""The programme API on /api/v1/programme/... (registered by ProgrammeConfig.ready() via core.registry)."""

from tipsom.programme.api import activities, grants, impact, participants, reports, results

routes: list[object] = []
paths = [*activities.paths, *participants.paths, *results.paths, *impact.paths, *grants.paths, *reports.paths]
