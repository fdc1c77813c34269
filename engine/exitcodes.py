"""Exit codes shared by every command (documented in `gridlaw --help` and the README)."""
EXIT_OK = 0             # compliant (in an audit: every row compliant)
EXIT_NON_COMPLIANT = 1  # some act is non_compliant; also a failed validation or pack test
EXIT_UNDECIDED = 3      # needs_review, insufficient_facts, not_addressed, not_in_force; rejected audit rows
EXIT_BAD_INPUT = 4      # unreadable file, malformed YAML/JSON, unknown field, wrong type; a pack of your own that does not load
EXIT_BAD_PACK = 5       # a shipped pack failed to load
