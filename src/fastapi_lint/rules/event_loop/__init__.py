"""FAPI1xx: code that blocks the event loop."""
