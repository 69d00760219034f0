"""Command-line entry: subcommands share the pure core; only ``review`` imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reviewer import __version__

COMMANDS = ("review", "suspects")


class UserError(Exception):
    """A mistake in the user's input: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="Fact-check a set of documents about one event, in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    review = sub.add_parser("review", help="open the review app (the default command)")
    review.add_argument("paths", nargs="*", metavar="PATH", help="corpus folders or files")
    review.add_argument(
        "--annotations",
        metavar="DIR",
        default="annotations",
        help="where tags are saved (default: ./annotations)",
    )
    review.add_argument(
        "--annotator",
        metavar="NAME",
        default=None,
        help="your name; the file is DIR/NAME.toml (default: login name)",
    )

    suspects = sub.add_parser("suspects", help="list the most suspect sentences")
    suspects.add_argument("paths", nargs="*", metavar="PATH", help="corpus folders or files")
    suspects.add_argument(
        "--top",
        type=int,
        default=20,
        metavar="N",
        help="rows in the table (default 20; --json prints every claim)",
    )
    suspects.add_argument(
        "--json", action="store_true", help="JSON Lines on stdout, one object per claim sentence"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `reviewer PATH` and plain `reviewer` mean `reviewer review ...`.
    if not args_list or (
        args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "review")
    args = build_parser().parse_args(args_list)
    try:
        if args.command == "suspects":
            from reviewer.cli.suspects import run as run_suspects

            return run_suspects(args)
        from reviewer.cli.review import run as run_review

        return run_review(args)
    except UserError as exc:
        print(f"reviewer: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
