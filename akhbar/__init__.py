"""akhbar: a static site generator for a Persian news archive."""

__version__ = "0.1.0"
