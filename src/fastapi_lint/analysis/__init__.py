"""The per-file semantic model (libcst): walk, scopes, inference, positions, the FastAPI model, knowledge tables and the module summary that the project pass reads."""
