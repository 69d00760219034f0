"""Scroll views whose content changes size often (a new document, a new evidence body)."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give ``view`` a new virtual size without laying out the screen (the caller repaints
    the view, whose content changed too).

    Textual's ``virtual_size`` is a layout reactive: each change lays out and repaints every
    widget of the screen (footer, list, status), which was two thirds of a move to the next
    document (a frame of 25 ms, 40-50 ms when the list scrolled too). A scroll view's own box
    does not depend on its content's size; only its scrollbars do. So the size is set without
    the layout and the scrollbars are updated: when one appears or goes, that change is itself
    a layout reactive (``show_vertical_scrollbar``) and lays the screen out as before.
    ``ScrollView._scroll_update`` is Textual's own step for a new virtual size (private, and
    why Textual is pinned exactly); tests/ui/test_layout.py checks the scrollbars it leaves.
    """
    if size == view.virtual_size:
        return
    if not view.container_size:
        view.virtual_size = size  # not laid out yet: the first layout takes it
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)  # scrollbar thumbs, and the scroll offset kept in range
