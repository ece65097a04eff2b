"""Plain data and I/O: diagnostics, the FAPI001-003 codes, source reading, noqa, serialization, the signed store. Imports nothing else of the package."""
