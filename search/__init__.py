"""Retrieval and answers: retrieve → fuse → answer."""
