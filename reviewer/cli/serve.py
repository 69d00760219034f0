"""``reviewer serve``: the review app in web browsers (textual-serve), one session per tab."""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from pathlib import Path

from reviewer.cli import UserError, warn
from reviewer.cli.common import load_or_exit
from reviewer.cli.review import annotations_folder
from reviewer.core.names import BadName, check_annotator


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command(args: argparse.Namespace) -> str:
    """The command each browser tab runs: ``reviewer review --served`` on the same corpus and
    annotation folder, with absolute paths (the server may be started anywhere)."""
    paths = [str(Path(p).resolve()) for p in (args.paths or ["seeds"])]
    parts = [sys.executable, "-m", "reviewer", "review", "--served", *paths]
    parts += ["--annotations", str(Path(args.annotations).resolve())]
    if args.annotator:
        parts += ["--annotator", args.annotator]
    if args.blind:
        parts.append("--blind")
    return shlex.join(parts)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: not a port number (1-65535)")
    if args.annotator:
        try:
            check_annotator(args.annotator)
        except BadName as exc:
            raise UserError(str(exc)) from None
    annotations_folder(args.annotations)
    load_or_exit(args.paths)  # a missing or empty corpus fails here, not in every tab
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError("reviewer serve needs textual-serve: pip install textual-serve") from None
    if not _local(args.host):
        warn(
            f"listening on {args.host}: anyone who can reach port {args.port} can read the "
            "documents and change the annotations; reviewer has no login (see the README)"
        )
    server = Server(
        command(args), host=args.host, port=args.port, title="reviewer", public_url=args.public_url
    )
    server.serve()
    return 0
