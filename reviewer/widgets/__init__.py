"""Widgets of the review app, one module per widget class."""
