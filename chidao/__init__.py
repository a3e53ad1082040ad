"""chidao: semantic search and question answering over Vietnamese government directives."""

__version__ = "0.1.0"
