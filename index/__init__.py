"""The search index: what ingest writes and assist reads.

    chunking/     files, ADRs, tickets and history notes into chunks (tree-sitter for code)
    embedding     the embedding model (torch, or ONNX Runtime in onnx_embedding), offline
    vectors       the Chroma collection, embedded or on a server
    lexical       BM25 over the same chunks, published as generations; chunk_store beside it
    sync          one source's documents kept in step with the index (LlamaIndex pipeline)
    readers       the index a server's questions read, pinned to a copy while a job writes

Imports only `handoff.core`.
"""
