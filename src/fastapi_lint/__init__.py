__version__ = "0.1.0"

# The `--output-format` values (ruff's names), here so that the command line lists them without
# importing the reporters; `report.FORMATS` maps each to its renderer.
OUTPUT_FORMATS = (
    "full",
    "concise",
    "json",
    "json-lines",
    "github",
    "sarif",
    "gitlab",
    "junit",
    "pylint",
    "azure",
)

# `target-version` values (ruff's spelling): the oldest Python the fixes must support.
TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(7, 15))
