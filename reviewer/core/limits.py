"""Documented size limits: what reviewer refuses or splits, so huge input degrades gracefully
instead of exhausting memory or time. The README's "Limits and guarantees" lists these."""

from __future__ import annotations

from .files import MIB

MAX_DOCUMENT_BYTES = 10 * MIB  # a larger document file is refused with a message
MAX_SENTENCE_CHARS = 2_000  # a longer "sentence" (unpunctuated text) is split at a space
MAX_SET_BYTES = 256 * MIB  # an annotation file, or a file given to `import`
MAX_NOTE_CHARS = 100_000  # a note, in the editor, the file and an import alike
MAX_LINE_CHARS = 1_000_000  # a longer line in an annotation file is refused before parsing
NOTE_SHOWN_CHARS = 500  # the panel shows this much of a note; the editor shows all of it
MAX_NESTING = 16  # depth of the values of unknown keys kept in an annotation file
