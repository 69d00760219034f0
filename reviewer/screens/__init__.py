"""Screens of the review app, one module per screen."""
