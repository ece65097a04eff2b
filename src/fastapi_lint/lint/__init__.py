"""What a rule author imports: the Rule base class, the per-file context, the importer, and the helpers shared by rules."""
