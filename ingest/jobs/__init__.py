"""Ingest jobs: checked requests, the job store and workspace lock, and the runners (in process or Celery)."""
