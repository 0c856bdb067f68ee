"""Ingest: repositories and ticket exports into the facts store and the search index.

    sources/   readers that normalise what they read: git history, blame, the tree at HEAD,
               remote mirrors, ADRs, ticket exports
    redact     secrets and invisible characters out of every text before it is stored
    pipeline   the typed stages of one ingest, the one orchestration; `local` runs them in
               process, `jobs/` runs them as jobs (in a server's pool, or on Celery workers)
    writes     the facts each stage writes, one function per group of tables
    samples    ownership at past month-ends, for the drain report's trend

Imports `handoff.core` and `handoff.index`.
"""
