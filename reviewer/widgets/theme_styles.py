"""Rich styles from the app's theme, for text drawn by code rather than by CSS rules.

Colours come from the theme's ``$text-*`` variables, made readable (AA, also in 256 colours) on
the backgrounds the text is drawn on: Textual derives them for the theme's background in
truecolor only. The same code stays legible on a light theme and a dark one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.style import Style
from textual.app import App
from textual.color import Color

from reviewer.widgets.palette import palette, readable, theme_background, theme_foreground


def text_style(
    app: App,
    name: str,
    *,
    bold: bool = False,
    italic: bool = False,
    on: Sequence[Color] = (),
) -> Style:
    """``name``: error, success, warning, accent, primary or muted (the foreground dimmed, as
    noise is). The theme's colour made readable (AA, in truecolor and in 256 colours) on each
    background of ``on`` (the panels the text is drawn on), or on the theme's background: the
    light theme's success colour read at 2.4:1 on the fact table's grid."""
    grounds = tuple(on) or (theme_background(app),)
    if name == "muted":
        colour = palette(app, grounds[0], theme_foreground(app)).noise
    else:
        raw = app.theme_variables.get(f"text-{name}") or app.theme_variables.get(name, "")
        colour = _solid(app, raw, grounds[0])
    return Style(color=_readable_on(colour, grounds).rich_color, bold=bold, italic=italic)


def _solid(app: App, raw: str, ground: Color) -> Color:
    """A theme colour as drawn on ``ground`` (a translucent one blended over it)."""
    try:
        colour = Color.parse(raw)
    except Exception:
        return theme_foreground(app)
    return ground.blend(colour.with_alpha(1.0), colour.a) if colour.a < 1.0 else colour


@lru_cache(maxsize=512)
def _readable_on(colour: Color, grounds: tuple[Color, ...]) -> Color:
    for ground in grounds:  # grounds of one theme are all dark or all light: each step holds
        colour = readable(colour, ground)
    return colour


def label_style(app: App, label: str, on: Sequence[Color] = ()) -> Style:
    """A label in the colour the document view draws it in (one mapping for the whole app:
    supported green, contradicted red, fabricated violet), readable on the theme's background
    and on each of ``on`` (the fact table's grid is the theme's surface, not its background)."""
    pal = palette(app, theme_background(app), theme_foreground(app))
    colour = _readable_on(pal.fg(pal.labels[label]), tuple(on))
    return Style(color=colour.rich_color, bold=True, italic=label == "fabricated")
