"""The statistics API on /api/v1/stats/... (registered by StatsConfig.ready() through core.registry.register_api)."""

from tipsom.stats.api import glotip, htcds, panels

routes: list[object] = []
paths = [*panels.paths, *htcds.paths, *glotip.paths]
