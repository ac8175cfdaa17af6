"""The statistics app's screens (dashboard.py: the national dashboard and its panel downloads)."""
