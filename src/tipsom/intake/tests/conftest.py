"""Fixtures of the intake tests. Field submissions: a throw-away form key for the session and the country's form
published in each test's database (tipsom.intake.tests.submission_support)."""

from tipsom.intake.tests.submission_support import field_form, form_key_file

__all__ = ["field_form", "form_key_file"]
