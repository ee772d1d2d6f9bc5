"""Dialogue: a static site generator for corporate dialogue blogs."""

__version__ = "0.1.0"
