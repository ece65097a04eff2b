"""FAPI2xx: Pydantic v1 code, with fixes to v2 that keep behaviour."""
