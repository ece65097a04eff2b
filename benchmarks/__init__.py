"""Benchmarks of fastapi-lint (run them with `uv run python -m benchmarks.<name>`)."""
