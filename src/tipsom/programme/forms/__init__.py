"""The programme's forms, one module per area (activities, participants, results, grants, reports)."""
