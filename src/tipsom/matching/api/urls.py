"""The matching API on /api/v1/: the interactive check (persons/match/), the review queue, merges and access
requests."""

routes: list = []
paths: list = []
