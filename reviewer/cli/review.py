"""``reviewer review``: open the app on a corpus."""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path

from reviewer.cli import UserError
from reviewer.cli.common import load_or_exit
from reviewer.core.session import Session, StoreError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def default_annotator() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "reviewer"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip("._-")
    return name or "reviewer"


def open_session(args: argparse.Namespace, corpus) -> Session:
    annotator = args.annotator or default_annotator()
    if not _NAME.match(annotator):
        raise UserError(
            f'annotator name "{annotator}" must be letters, digits, ".", "_" or "-" '
            "(it names the file annotations/NAME.toml)"
        )
    folder = Path(args.annotations)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: not a folder (--annotations must name a folder)")
    try:
        return Session(corpus, folder / f"{annotator}.toml", annotator)
    except StoreError as exc:
        raise UserError(f"{exc}; reviewer will not overwrite it. Fix or move the file.") from None


def run(args: argparse.Namespace) -> int:
    corpus = load_or_exit(args.paths)
    session = open_session(args, corpus)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        session.close()
        raise UserError("the review app needs a terminal (stdin and stdout must be a TTY)")
    from reviewer.app import ReviewerApp

    ReviewerApp(corpus, session).run()
    session.close()
    return 0
