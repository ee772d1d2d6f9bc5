"""Readers for everything under content/: front matter, posts, pages, authors, comments."""
