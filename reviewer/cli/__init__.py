"""Command-line entry: subcommands share the pure core; only ``review`` imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reviewer import __version__

COMMANDS = (
    "review",
    "suspects",
    "facts",
    "stats",
    "export",
    "agree",
    "validate",
    "import",
    "merge",
    "calibrate",
    "serve",
)


class UserError(Exception):
    """A mistake in the user's input: printed as one line, exit status 2."""


def warn(message: str) -> None:
    """One line on stderr. Messages quote file names and text from the input, so controls are
    made visible: a hostile name cannot write escape sequences to the terminal."""
    from reviewer.core.printable import one_line

    print(f"reviewer: {one_line(message)}", file=sys.stderr)


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
    review.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    review.add_argument(
        "--blind",
        action="store_true",
        help="blind-first review: the engine's shading, marks, reasons and evidence stay hidden "
        "for a sentence until you tag it; the file keeps your first label (blind_label)",
    )
    review.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="T",
        help="suspect threshold (0-1; default 0.5, or the last one given); "
        "`reviewer calibrate` suggests one for your labels. Kept for later sessions",
    )
    review.add_argument(
        "--compare",
        nargs="+",
        metavar="FILE",
        default=None,
        help="adjudicate: show these annotators' labels on each sentence; your tags go to "
        "DIR/NAME.toml (NAME defaults to 'adjudicated')",
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

    facts = sub.add_parser("facts", help="the facts the documents of each group disagree on")
    facts.add_argument("paths", nargs="*", metavar="PATH", help="corpus folders or files")
    out = facts.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="JSON Lines, one object per fact")
    out.add_argument("--csv", action="store_true", help="CSV, one line per document's value")
    facts.add_argument(
        "--group", action="append", metavar="NAME", help="only this group (may be repeated)"
    )
    facts.add_argument("--disputed", action="store_true", help="only facts the documents dispute")

    sets_help = "annotation files or folders (default: ./annotations)"
    corpus_help = "the documents (default: the folder named like the set's corpus)"
    stats = sub.add_parser("stats", help="progress per document and annotator")
    stats.add_argument("paths", nargs="*", metavar="FILE_OR_FOLDER", help=sets_help)
    stats.add_argument("--corpus", metavar="PATH", help=corpus_help)

    exp = sub.add_parser("export", help="write annotations as jsonl, csv, prodigy, ...")
    exp.add_argument("paths", nargs="*", metavar="FILE_OR_FOLDER", help=sets_help)
    exp.add_argument(
        "--format",
        choices=["jsonl", "csv", "prodigy", "prodigy-spans", "labelstudio", "fever"],
        help="required, except with --config",
    )
    exp.add_argument(
        "--config",
        action="store_true",
        help="print the Label Studio labeling config the labelstudio export needs, and stop",
    )
    exp.add_argument(
        "--labelstudio-user",
        action="append",
        default=[],
        metavar="NAME=EMAIL",
        help="labelstudio: the Label Studio member (email or numeric id) for annotator NAME; "
        "annotators not mapped are imported as the importing user (may be repeated)",
    )
    exp.add_argument(
        "--bom",
        action="store_true",
        help="csv: start with a UTF-8 byte order mark (Excel on Windows needs it for non-ASCII)",
    )
    exp.add_argument(
        "--as-predictions",
        action="store_true",
        help="labelstudio: annotators' tags as predictions (model_version = the annotator)",
    )
    exp.add_argument(
        "--engine",
        action="store_true",
        help="labelstudio: also the engine's suspects as predictions (model_version "
        "reviewer-engine), one task per document of the corpus",
    )
    exp.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    exp.add_argument("--corpus", metavar="PATH", help=corpus_help)

    agree = sub.add_parser("agree", help="agreement between annotators")
    agree.add_argument(
        "paths",
        nargs="*",
        metavar="FILE_OR_FOLDER",
        help=sets_help + "; adjudicated and merged sets in a folder are left out",
    )
    agree.add_argument("--json", action="store_true", help="machine-readable output")

    val = sub.add_parser("validate", help="check annotation files against schema and corpus")
    val.add_argument("files", nargs="*", metavar="FILE_OR_FOLDER", help=sets_help)
    val.add_argument("--corpus", metavar="PATH", help=corpus_help)

    imp = sub.add_parser(
        "import", help="turn a jsonl, prodigy or labelstudio export back into TOML"
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--format", required=True, choices=["jsonl", "prodigy", "labelstudio"])
    imp.add_argument(
        "--annotator",
        metavar="NAME",
        help="name of the new set; in a file of several annotators, the one to import",
    )
    imp.add_argument("--annotations", metavar="DIR", default="annotations")
    imp.add_argument(
        "--out",
        metavar="FILE_OR_DIR",
        help="default: DIR/NAME.toml (never overwritten); a folder: one set per annotator",
    )
    imp.add_argument(
        "--labelstudio-user",
        action="append",
        default=[],
        metavar="NAME=EMAIL",
        help="labelstudio: name the set of this Label Studio member (email or id) NAME",
    )

    serve = sub.add_parser("serve", help="serve the review app to web browsers")
    serve.add_argument("paths", nargs="*", metavar="PATH", help="corpus folders or files")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; reviewer has no "
        "login of its own, see the README before listening on another address)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        default=None,
        help="the address browsers use, behind a reverse proxy (https://review.example.org)",
    )
    serve.add_argument(
        "--annotations", metavar="DIR", default="annotations", help="where tags are saved"
    )
    serve.add_argument(
        "--annotator",
        metavar="NAME",
        default=None,
        help="one reviewer for every tab (default: each tab asks on its first screen)",
    )
    serve.add_argument("--blind", action="store_true", help="blind-first review in every tab")

    cal = sub.add_parser("calibrate", help="the engine measured against your labels")
    cal.add_argument("paths", nargs="*", metavar="FILE_OR_FOLDER", help=sets_help)
    cal.add_argument("--corpus", metavar="PATH", help=corpus_help)
    cal.add_argument("--json", action="store_true", help="machine-readable output")
    cal.add_argument(
        "--precision",
        type=float,
        default=0.8,
        metavar="P",
        help="suggest the threshold that reaches this precision (default 0.8)",
    )

    merge = sub.add_parser("merge", help="one set from several annotators")
    merge.add_argument(
        "paths",
        nargs="*",
        metavar="FILE_OR_FOLDER",
        help=sets_help + "; adjudicated and merged sets in a folder are left out",
    )
    merge.add_argument("--out", metavar="FILE", required=True)
    merge.add_argument("--annotator", metavar="NAME", default="merged")
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
        if args.command == "facts":
            from reviewer.cli.facts import run as run_facts

            return run_facts(args)
        if args.command == "serve":
            from reviewer.cli.serve import run as run_serve

            return run_serve(args)
        if args.command == "calibrate":
            from reviewer.cli.calibrate import run as run_calibrate

            return run_calibrate(args)
        if args.command == "suspects":
            from reviewer.cli.suspects import run as run_suspects

            return run_suspects(args)
        if args.command in ("stats", "export", "agree", "validate", "import", "merge"):
            from reviewer.cli import sets

            handler = getattr(sets, f"run_{args.command}")
            return int(handler(args))
        from reviewer.cli.review import run as run_review

        return run_review(args)
    except UserError as exc:
        warn(str(exc))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
