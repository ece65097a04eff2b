"""The language server: the protocol loop and the workspace it keeps."""
