"""Fetch the FEVER scorer (fever-scorer 2.0.39 on PyPI) for tests/interop/test_fever.py.

Its sdist no longer builds with current setuptools (setup.py passes the builtin ``license`` as
the licence), so pip cannot install it. This takes the sdist from the package index, checks
its sha256 against the index's, and unpacks the pure-Python ``fever`` package into
``.interop/fever-scorer/``. Run by ``.ci/run``; nothing of it is committed.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "2.0.39"
ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / ".interop" / "fever-scorer"


def main() -> int:
    if (TARGET / "fever" / "scorer.py").exists():
        return 0
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    with urllib.request.urlopen(f"{index}/fever-scorer/", timeout=60) as response:
        page = response.read().decode("utf-8", "replace")
    wanted = re.search(
        rf'href="([^"#]*fever[-_]scorer-{re.escape(VERSION)}\.tar\.gz)#sha256=([0-9a-f]{{64}})"',
        page,
    )
    if not wanted:
        print(f"fever-scorer {VERSION}: not on {index}", file=sys.stderr)
        return 1
    url, digest = wanted.groups()
    url = urllib.request.urljoin(f"{index}/fever-scorer/", url)
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != digest:
        print("fever-scorer: checksum mismatch", file=sys.stderr)
        return 1
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if len(parts) == 4 and parts[1:3] == ("src", "fever") and member.isfile():
                source = tar.extractfile(member)
                assert source is not None
                out = TARGET / "fever" / parts[3]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(source.read())
    print(f"fever-scorer {VERSION} unpacked into {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
