"""Tests of the whole project: what no single app can test alone (a raw scan of every encrypted column, the API
schema of every app against its behaviour, bad input at every door)."""
