"""Matching screens (namespace "matching"): the review queue and a pair's page, merges and their undoing, the
deduplication jobs, and access requests between organizations."""
