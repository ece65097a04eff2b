"""FAPI4xx: FastAPI correctness pitfalls (the request does not do what the code says)."""
