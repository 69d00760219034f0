"""``reviewer review``: open the app on a corpus."""

from __future__ import annotations

import argparse
import getpass
import multiprocessing
import os
import re
import sys
from pathlib import Path

from reviewer.cli import UserError, warn
from reviewer.cli.common import load_or_exit
from reviewer.core.corpus import Corpus
from reviewer.core.names import BadName, check_annotator
from reviewer.core.printable import shown_path
from reviewer.core.session import Session, StoreError


def default_annotator() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "reviewer"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip("._-")
    return name or "reviewer"


def compare_votes(
    files: list[str], corpus: Corpus, details: dict | None = None
) -> dict[tuple[str, int, int], dict[str, str]]:
    """Each compared annotator's label per sentence, re-anchored to the documents as they are;
    ``details``, when given, receives each annotator's note and linked evidence per sentence."""
    from reviewer.core.export import ExportError, load_sets
    from reviewer.core.session import anchor_to

    try:
        sets = load_sets(files)
    except (StoreError, ExportError) as exc:
        raise UserError(str(exc)) from None
    names = [s.annotator for s in sets]
    if len(set(names)) != len(names):
        raise UserError(f"--compare: the same annotator appears twice ({', '.join(names)})")
    votes: dict[tuple[str, int, int], dict[str, str]] = {}
    for s in sets:
        if s.corpus and s.corpus != corpus.name:
            raise UserError(
                f'{shown_path(s.path)}: made on corpus "{s.corpus}", this is "{corpus.name}"'
            )
        result = anchor_to(corpus, s.annotations)
        if result.orphans:
            warn(
                f"{shown_path(s.path)}: {len(result.orphans)} tag(s) no longer match the documents"
            )
        for a in result.anchored:
            if not a.is_tag:
                continue  # a note on an untagged sentence is no vote
            votes.setdefault(a.key, {})[s.annotator] = a.label
            if details is not None and (a.note or a.evidence):
                details.setdefault(a.key, {})[s.annotator] = (a.note, [e.doc for e in a.evidence])
    return votes


def annotations_folder(raw: str) -> Path:
    """``--annotations``: a folder, or a path where one can be made."""
    folder = Path(raw)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{shown_path(folder)}: not a folder (--annotations must name a folder)")
    return folder


def open_session(args: argparse.Namespace, corpus) -> Session:
    annotator = args.annotator or ("adjudicated" if args.compare else default_annotator())
    try:
        check_annotator(annotator)
    except BadName as exc:
        raise UserError(str(exc)) from None
    folder = annotations_folder(args.annotations)
    try:
        return Session(corpus, folder / f"{annotator}.toml", annotator)
    except StoreError as exc:
        raise UserError(f"{exc}; reviewer will not overwrite it. Fix or move the file.") from None


def apply_threshold(value: float | None) -> None:
    """The suspect threshold: given (and kept for later sessions), else the kept one."""
    from reviewer.core import navigation as nav
    from reviewer.core.state import load_settings, save_setting

    if value is not None:
        if not 0 < value <= 1:
            raise UserError(f"--threshold must be above 0 and at most 1, not {value}")
        save_setting("threshold", value)
    kept = load_settings().get("threshold")
    if isinstance(kept, float):
        nav.SUSPECT_THRESHOLD = kept


def run(args: argparse.Namespace) -> int:
    apply_threshold(args.threshold)
    corpus = load_or_exit(args.paths)
    if args.blind and args.compare:
        raise UserError("--blind and --compare do not go together: adjudication shows the votes")
    details: dict = {}
    votes = compare_votes(args.compare, corpus, details) if args.compare else None
    # Served (reviewer serve) the app talks to a browser through Textual's web driver, not a
    # terminal; without --annotator it asks who is reviewing on its first screen.
    served = args.served or "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
    ask = served and not args.annotator and not args.compare
    session = None if ask else open_session(args, corpus)
    if not served and (not sys.stdin.isatty() or not sys.stdout.isatty()):
        if session is not None:
            session.close()
        raise UserError(
            "the review app needs a terminal (stdin and stdout must be a TTY); "
            "for a browser, use reviewer serve"
        )
    from reviewer.app import ReviewerApp

    # The writer thread saves between the event loop's frames; each of its system calls
    # (write, fsync, rename) must win the GIL back from the UI thread. At the default 5 ms a
    # save with 10,000 annotations waited 20-25 ms for hand-offs; at 1 ms, a few.
    sys.setswitchinterval(0.001)
    folder = Path(args.annotations)
    app = ReviewerApp(corpus, session, votes, details, blind=args.blind, ask_in=folder)
    app.run()
    if app.session is not None:
        app.session.close()  # everything is on disk (or reported unsaved), the lock released
    if not multiprocessing.active_children():
        # Tearing down an interpreter that holds a large corpus and its scores frees millions
        # of objects one by one (0.1-0.3 s after the screen is gone); nothing is left to do.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0
