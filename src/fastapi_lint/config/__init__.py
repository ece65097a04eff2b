"""Configuration: settings as data, the schema of the [tool.fastapi-lint] table, per-file-ignore globs."""
