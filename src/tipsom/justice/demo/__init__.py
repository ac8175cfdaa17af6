"""The justice app's demo data (`tipsom demo`, the "justice" seeder, after the cases and referrals): see load.py."""

from tipsom.justice.demo.load import AUDIT_ACTION, JusticeReport, justice_config, justice_load, loaded_countries, seed

__all__ = ["AUDIT_ACTION", "JusticeReport", "justice_config", "justice_load", "loaded_countries", "seed"]
