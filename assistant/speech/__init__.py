"""Helpers for speaker attribution: word lists, quotation marks, names and the lazily loaded spaCy model."""
