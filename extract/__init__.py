"""Per-document extraction: pure functions from a file's bytes to records. Never imports corpus/ or cli."""
