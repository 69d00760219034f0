"""Colours the document view and the panel draw with, resolved from the theme to solid RGB.

CSS component classes such as ``background: $warning 15%`` reach a Line API widget through
``get_component_rich_style(..., partial=True)``, which drops the alpha: the "15%" shade came out
as solid orange under light grey text (1.5:1), and the levels collapsed to two. Here every colour
is blended by hand over the real background, then each text colour is moved towards the
theme's foreground (or away from the background) until it reads at WCAG AA, 4.5:1, on the
background it is drawn on. A test measures the rendered cells of the screen in a dark and a light
theme.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.style import Style
from textual.app import App
from textual.color import Color

AA = 4.5


def luminance(c: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: Color, b: Color) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@functools.lru_cache(maxsize=4096)
def quantised(c: Color) -> Color:
    """``c`` as a 256-colour terminal draws it (tmux with TERM=xterm-256color, many SSH setups):
    the nearest entry of the xterm palette, which can sit a long way from the truecolor."""
    t = RichColor.from_rgb(c.r, c.g, c.b).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return Color(t.red, t.green, t.blue)


def worst_contrast(a: Color, b: Color) -> float:
    """The contrast of ``a`` on ``b`` in truecolor or in 256 colours, whichever is lower."""
    return min(contrast(a, b), contrast(quantised(a), quantised(b)))


@functools.lru_cache(maxsize=4096)
def readable(colour: Color, background: Color, minimum: float = AA) -> Color:
    """``colour`` made just light enough (on a dark background) or dark enough (on a light one)
    to reach ``minimum`` contrast in truecolor and in 256 colours; it keeps its hue as long as
    it can."""
    if worst_contrast(colour, background) >= minimum:
        return colour
    target = Color(255, 255, 255) if luminance(background) < 0.18 else Color(0, 0, 0)
    for step in range(1, 21):
        c = colour.blend(target, step / 20)
        if worst_contrast(c, background) >= minimum:
            return c
    return target


def theme_colour(app: App, name: str, fallback: str) -> Color:
    """The theme's colour variable ``name`` (``"surface"``, ``"text-primary"``), or ``fallback``
    when the theme has none or it does not parse."""
    value = app.theme_variables.get(name) or fallback
    try:
        return Color.parse(value)
    except Exception:
        return Color.parse(fallback)


@dataclass(frozen=True)
class Palette:
    """Solid colours for one background: text, noise, three suspect shades, the cursor, search
    hits, a colour per label and per mark."""

    background: Color
    text: Color
    noise: Color
    suspect: tuple[Color, Color, Color]  # backgrounds, least to most suspect
    cursor: Color  # background
    match: Color  # background
    labels: dict[str, Color]
    warning: Color
    primary: Color

    def fg(self, colour: Color, on: Color | None = None) -> Color:
        return readable(colour, on or self.background)

    def style(
        self,
        colour: Color,
        on: Color | None = None,
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
    ) -> Style:
        bg = on or self.background
        return Style(
            color=readable(colour, bg).rich_color,
            bgcolor=bg.rich_color,
            bold=bold,
            italic=italic,
            underline=underline,
        )


def palette(app: App, background: Color, text: Color) -> Palette:
    """The palette of ``app``'s current theme over ``background``, for text drawn in ``text``:
    built once per theme and colours (widgets ask on every render), the same object after."""
    return _palette(app, app.theme, background, text)


@functools.lru_cache(maxsize=32)
def _palette(app: App, theme: str, background: Color, text: Color) -> Palette:
    background = background.with_alpha(1.0)
    if text.a < 1.0:  # a translucent foreground, drawn over the background: its real colour
        text = background.blend(text.with_alpha(1.0), text.a)
    if worst_contrast(text, background) < AA:  # a widget colour meant for another background
        text = theme_colour(app, "foreground", "#e0e0e0")
    text = readable(text, background)
    warning = theme_colour(app, "warning", "#ffa62b")
    error = theme_colour(app, "error", "#ba3c5b")
    primary = theme_colour(app, "primary", "#0178d4")
    dark = luminance(background) < 0.18
    # Suspect shades: amber, stronger, then a red-amber; each clearly apart from the last.
    shades = (
        background.blend(warning, 0.18 if dark else 0.30),
        background.blend(warning, 0.40 if dark else 0.60),
        background.blend(error.blend(warning, 0.30), 0.65 if dark else 0.75),
    )
    labels = {
        "supported": theme_colour(app, "success", "#4ebf71"),
        "contradicted": error,
        # Fabricated: its own hue, apart from the amber of "suspect" and the red of contradicted.
        "fabricated": Color.parse("#c77dff") if dark else Color.parse("#7b2cbf"),
    }
    return Palette(
        background=background,
        text=text,
        # Dimmer than claims, still readable: the foreground pulled towards the background
        # until just above AA.
        noise=_dimmed(text, background),
        suspect=shades,
        cursor=background.blend(primary, 0.45 if dark else 0.30),
        match=background.blend(theme_colour(app, "accent", "#ffa62b"), 0.40),
        labels=labels,
        warning=warning,
        primary=primary,
    )


def _dimmed(text: Color, background: Color) -> Color:
    best = text
    for step in range(1, 40):
        c = text.blend(background, step / 40)
        if worst_contrast(c, background) < AA + 0.1:
            break
        best = c
    return best


def theme_background(app: App) -> Color:
    return theme_colour(app, "background", "#121212")


def theme_foreground(app: App) -> Color:
    return theme_colour(app, "foreground", "#e0e0e0")


def theme_surface(app: App) -> Color:
    """The theme's $surface: the ground of the app's boxes (dialogs, panels)."""
    return theme_colour(app, "surface", "#1e1e1e")
