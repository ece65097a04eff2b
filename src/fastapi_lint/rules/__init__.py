"""Every rule, one module per rule, grouped by family: ``rules/<family>/fapi<NNN>_<name>.py``.

Importing this package imports no rule: ``rules.registry.load_rules`` does, once, when a run
first asks for the rules (start-up of a fully cached run never pays for them).
"""
