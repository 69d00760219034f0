"""Runs the review app headless in this process and prints timings as JSON (for benchmarks/app.py).

Usage: python benchmarks/app_harness.py CORPUS ANNOTATION_FILE [--tags N]
Times are absolute (time.time()) so the parent can measure from its own process start.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path

T_START = time.time()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    corpus_path, annotation_file = sys.argv[1], Path(sys.argv[2])
    tags = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--tags" else 0

    from reviewer.app import ReviewerApp
    from reviewer.core import store as store_module
    from reviewer.core.corpus import load_corpus
    from reviewer.core.session import Session
    from reviewer.screens.review import ReviewScreen
    from reviewer.widgets.document_view import DocumentView

    result: dict[str, object] = {"process_start": T_START}
    corpus = load_corpus([corpus_path]).corpus
    result["corpus_loaded"] = time.time()
    session = Session(corpus, annotation_file, annotation_file.stem)
    result["session_open"] = time.time()
    app = ReviewerApp(corpus, session)

    renamed: list[float] = []
    real_replace = store_module.os.replace

    def timed_replace(src, dst):  # the moment the TOML is renamed into place
        real_replace(src, dst)
        renamed.append(time.perf_counter())

    store_module.os.replace = timed_replace  # type: ignore[assignment]

    # Longest stretch the event loop could not run: sampled by a 1 ms ticker.
    blocked = {"max": 0.0}

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            blocked["max"] = max(blocked["max"], now - last - 0.001)
            last = now

    async def auto_pilot(pilot) -> None:
        def document_shown() -> bool:
            if not isinstance(app.screen, ReviewScreen):
                return False
            views = app.screen.query(DocumentView)
            return bool(views) and bool(views.first()._rows)

        while not document_shown():
            await asyncio.sleep(0.002)
        # The next frame shows it (pilot.pause would wait for the app to be idle, which while
        # scores stream in means until the end).
        await asyncio.sleep(1 / 60)
        result["first_document"] = time.time()
        screen = app.screen
        from reviewer.core.navigation import step_claim

        before = screen.sentence_index
        at_end = step_claim(screen.doc, before, 1) == before
        app.simulate_key("k" if at_end else "j")
        deadline = time.time() + 30
        while screen.sentence_index == before and time.time() < deadline:
            await asyncio.sleep(0.001)
        result["key_works"] = screen.sentence_index != before
        result["first_key"] = time.time()
        while screen.scoring.startswith("scoring") and "failed" not in screen.scoring:
            await asyncio.sleep(0.01)
        result["scoring_status"] = screen.scoring or "done"
        result["all_suspects"] = time.time()
        task = asyncio.create_task(ticker())
        latencies = []
        blocked["max"] = 0.0
        for i in range(tags):
            await pilot.press("g")  # next untagged claim
            start = time.perf_counter()
            renamed.clear()
            await pilot.press("sfc"[i % 3])
            while not renamed:
                await asyncio.sleep(0.0005)
            latencies.append(renamed[0] - start)
        task.cancel()
        result["tag_latencies"] = latencies
        result["max_block"] = blocked["max"]
        result["annotations_in_file"] = len(session.annotations)
        app.exit()

    app.run(headless=True, auto_pilot=auto_pilot, size=(120, 40))
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["peak_rss_children_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    os.write(1, (json.dumps(result) + "\n").encode())


if __name__ == "__main__":
    main()
