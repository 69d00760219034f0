"""The first screen of a browser session: the name typed opens that reviewer's set, in a thread."""

from __future__ import annotations

import threading
import tomllib
from pathlib import Path

from reviewer.app import ReviewerApp
from reviewer.core.corpus import load_corpus
from reviewer.screens import annotator as annotator_module
from reviewer.screens.annotator import AnnotatorScreen
from tests.conftest import SEEDS, write
from tests.hostile.helpers import drawn_text
from tests.ui.test_keys import ready


def asking_app(tmp_path: Path) -> ReviewerApp:
    corpus = load_corpus([SEEDS]).corpus
    return ReviewerApp(corpus, None, ask_in=tmp_path / "annotations")


async def test_a_name_opens_that_reviewers_set_and_tags_reach_it(tmp_path: Path):
    app = asking_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, AnnotatorScreen)
        await pilot.press(*"ana", "enter")
        await ready(pilot)
        await pilot.press("f")
        app.session.flush()
        saved = tomllib.loads((tmp_path / "annotations" / "ana.toml").read_text())
    assert saved["annotator"] == "ana"
    assert [a["label"] for a in saved["annotation"]] == ["fabricated"]


async def test_the_page_answers_while_a_set_opens(tmp_path: Path, monkeypatch):
    # A set that takes long to open (a large file, or its lock held by another window): the
    # page says so and keeps answering; a second enter does not open it twice.
    gate = threading.Event()
    opened: list[str] = []
    real = annotator_module.Session

    def slow(corpus, path, name):
        opened.append(name)
        assert gate.wait(30)
        return real(corpus, path, name)

    monkeypatch.setattr(annotator_module, "Session", slow)
    app = asking_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"ana", "enter")
        await pilot.pause(0.2)
        assert "Opening" in drawn_text(app) and "ana.toml" in drawn_text(app)
        assert app.query_one("#annotator-name").disabled
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert opened == ["ana"] and isinstance(app.screen, AnnotatorScreen)
        gate.set()
        await ready(pilot)
        assert app.session is not None and app.session.path.name == "ana.toml"


async def test_a_set_that_cannot_be_read_is_named_and_left_as_it_is(tmp_path: Path):
    bad = tmp_path / "annotations" / "bob.toml"
    write(bad, 'annotator = "bob"\n[[annotation]\n')
    before = bad.read_bytes()
    app = asking_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"bob", "enter")
        error = app.query_one("#annotator-error")
        for _ in range(50):
            await pilot.pause(0.05)
            if "will not overwrite it" in str(error.render()):
                break
        message = str(error.render())
        assert message.endswith(
            "bob.toml: not valid TOML (Expected ']]' at the end of an array declaration (at line"
            " 2, column 13)); reviewer will not overwrite it."
        )
        # Drawn whole, wrapped in the box (a long path is not cut at its edge).
        drawn = "".join(line.strip(" │") for line in drawn_text(app).splitlines())
        assert message.replace(" ", "") in drawn.replace(" ", "")
        assert isinstance(app.screen, AnnotatorScreen)
        field = app.query_one("#annotator-name")
        assert not field.disabled and field.has_focus
        # Another name still opens.
        await pilot.press(*["backspace"] * 3, *"cy", "enter")
        await ready(pilot)
        assert app.session.path.name == "cy.toml"
    assert bad.read_bytes() == before
