"""``gridlaw audit``: check thousands to millions of records at once.

Inputs: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16 — detected), XLSX,
JSONL. Columns are read through ``headers.yaml`` (Chinese or English headers,
extendable with ``--map``); every row is evaluated with
:func:`gridlaw.batch.evaluate_columns` or rejected with its row number and a
reason naming the column and value. Outputs: a results file (JSONL / CSV /
XLSX, one row per input row), an HTML report, a terminal summary.

The audit is a one-way pipeline of stages over chunks of rows (``pipeline.py``;
docs/architecture.md): read (``readers``, ``sheets``) → split rows (``rowkinds``)
→ map headers (``headerplan`` over ``mapping``) → convert values (``convert`` over
``values``) → derive facts (``derive``, ``birth``) → evaluate (``evaluation``) →
collect (``results``) → write (``outputs``); what passes between them is in
``chunks``. ``run`` drives them for ``gridlaw audit`` (``command``, the typer
command, imports only typer) and the web jobs; ``pipeline.audit_batch`` for a
distributed worker. ``report`` and ``texts`` render a finished run. Nothing heavy
is imported here.
"""
