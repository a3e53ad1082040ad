"""The ingestion pipeline: load → normalize → structure → extract → chunk → embed → index."""
