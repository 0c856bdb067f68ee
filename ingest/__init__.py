"""Ingest workers: read repositories (and later documents and tickets) into the facts store and indexes."""
