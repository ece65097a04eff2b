"""FAPI5xx: deprecated FastAPI and Starlette APIs."""
