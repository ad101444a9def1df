"""Storage and everything that needs more than one document."""
