"""Rich styles from the app's theme, for text drawn by code rather than by CSS rules.

Colours come from the theme's ``$text-*`` variables, which Textual derives to be readable on
the theme's background: the same code stays legible on a light theme and a dark one.
"""

from __future__ import annotations

from rich.style import Style
from textual.app import App

# Labels and kinds as the reviewer meets them everywhere: supported green, contradicted red,
# fabricated in the accent colour; conflicts red, unsupported details amber.
LABEL_COLOUR = {"supported": "success", "contradicted": "error", "fabricated": "accent"}


def text_style(app: App, name: str, *, bold: bool = False, italic: bool = False) -> Style:
    """``name``: error, success, warning, accent, primary or muted."""
    if name == "muted":
        return Style(dim=True, bold=bold, italic=italic)
    colour = app.theme_variables.get(f"text-{name}")
    return Style(color=colour, bold=bold, italic=italic)


def label_style(app: App, label: str) -> Style:
    return text_style(app, LABEL_COLOUR[label], bold=True, italic=label == "fabricated")
