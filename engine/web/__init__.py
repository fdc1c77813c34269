"""gridlaw's web app and HTTP API (``gridlaw serve``): server-rendered pages for legal staff
and HR, JSON under /api/v1 for grid platforms. Needs the ``server`` extra (FastAPI, uvicorn)."""
