"""The statistics API on /api/v1/stats/...: the dashboard's panels as published tables (panels.py)."""
