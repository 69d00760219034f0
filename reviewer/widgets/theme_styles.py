"""Rich styles from the app's theme, for text drawn by code rather than by CSS rules.

Colours come from the theme's ``$text-*`` variables, which Textual derives to be readable on
the theme's background: the same code stays legible on a light theme and a dark one.
"""

from __future__ import annotations

from rich.style import Style
from textual.app import App

from reviewer.widgets.palette import palette, theme_background, theme_foreground


def text_style(app: App, name: str, *, bold: bool = False, italic: bool = False) -> Style:
    """``name``: error, success, warning, accent, primary or muted."""
    if name == "muted":
        return Style(dim=True, bold=bold, italic=italic)
    colour = app.theme_variables.get(f"text-{name}")
    return Style(color=colour, bold=bold, italic=italic)


def label_style(app: App, label: str) -> Style:
    """A label in the colour the document view draws it in (one mapping for the whole app:
    supported green, contradicted red, fabricated violet), readable on the theme's background."""
    pal = palette(app, theme_background(app), theme_foreground(app))
    colour = pal.fg(pal.labels[label]).rich_color
    return Style(color=colour, bold=True, italic=label == "fabricated")
