"""``gridlaw audit``: check thousands to millions of records at once.

Inputs: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16 — detected), XLSX,
JSONL. Columns are read through ``headers.yaml`` (Chinese or English headers,
extendable with ``--map``); every row is evaluated with
:func:`gridlaw.batch.evaluate_columns` or rejected with its row number and a
reason naming the column and value. Outputs: a results file (JSONL / CSV /
XLSX, one row per input row), an HTML report, a terminal summary.

Modules: ``command`` (the typer command; imports only typer), ``run`` (the
loop), ``readers``, ``mapping``, ``values``, ``convert``, ``results``,
``outputs``, ``report``. Nothing heavy is imported here.
"""
