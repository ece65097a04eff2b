"""Data tables about libraries: canonical names, return types, catalogs."""
