"""Benchmark of the BM25 scorer against rank-bm25, bm25s and SQLite FTS5."""
