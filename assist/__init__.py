"""Assist: retrieval and answers over the index, with citations and owners."""
