"""reviewer: fact-check a set of documents about one event, in the terminal."""

__version__ = "0.1.0"
