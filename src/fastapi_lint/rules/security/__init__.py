"""FAPI3xx: security pitfalls."""
