"""Assist: what people read, built from the index and the analyses.

    retrieval, evidence, answer, llm   hybrid search, cited evidence, the answer (extractive or a model's)
    kt, indexed_docs                   knowledge-transfer drafts; the index read as documentation
    offboarding                        building and recording a contractor's checklist
    evaluate, batching                 retrieval measured on a team's questions; questions embedded together

Reads `handoff.index` and `handoff.retention`, never `handoff.ingest`.
"""
