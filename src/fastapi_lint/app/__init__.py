"""The applications: the command line, the language server, the reporters and the rule documentation."""
