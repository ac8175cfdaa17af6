"""The statistics app's reads: the dashboard's filters and panels (dashboard.py)."""
