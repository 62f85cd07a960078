"""Adapters know one API format: where its text slots are, and how to write them back."""
