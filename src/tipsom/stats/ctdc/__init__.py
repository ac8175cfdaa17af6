"""CTDC formats: the k-anonymised export, the import for comparison and their codebook
(docs/user-guide/statistics-exports.md)."""
