# tests/test_structures_complete.py requires every pack migrated to the issue-8 format (structure,
# question, trigger); it passes only once the pack branches are merged. The lead deletes this line then.
collect_ignore = ["test_structures_complete.py"]
