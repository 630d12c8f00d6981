"""Lexicon files: load, validate, compile, and match in one pass over the tokens.

A lexicon is a UTF-8 CSV file, one term a row, with the header
``term,category[,neutral][,note][,not_before]`` (other columns are ignored):

- ``term``: one or more words (letters, digits, hyphens, apostrophes), matched
  case-insensitively on token boundaries after Snowball stemming of every word, so ``martyr``
  also matches "martyrs" and "martyred";
- ``category``: ``[a-z][a-z0-9_]*``. The attribution types (:data:`ATTRIBUTION_TYPES`) are
  attribution patterns; any other category is a category of loaded terms;
- ``neutral``: a neutral alternative wording (used for counterfactual scores);
- ``note``: free text;
- ``not_before``: ``|``-separated words or phrases; a match is dropped when the text right
  after it starts with one of them ("claimed" before "responsibility" is not attribution).

Matching costs one lookup per token, plus, at tokens that start some term, one lookup of the
next token and one per term length the two start, whatever the lexicon's size; overlapping
matches resolve leftmost-longest.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .text import TOKEN_RE, Sentence, normalize, stem

ATTRIBUTION_TYPES = ("report", "distancing", "endorsing", "hedge", "unverified", "sourcing")
#: Attribution types whose verbs govern a reported clause ("said that ...").
GOVERNING_TYPES = frozenset({"report", "distancing", "endorsing"})
REQUIRED_COLUMNS = ("term", "category")
OPTIONAL_COLUMNS = ("neutral", "note", "not_before")
CATEGORY_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
DEFAULT_DIR = Path(__file__).parent / "data" / "lexicons"


class LexiconError(ValueError):
    """A malformed lexicon file; ``str()`` is ``path:line: reason``."""

    def __init__(self, path: str | Path, line: int, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    category: str
    neutral: str = ""
    note: str = ""
    not_before: str = ""  # as written in the file: "responsibility|the lives"
    source: str = ""
    line: int = 0

    @classmethod
    def from_row(cls, row) -> Entry:
        return cls(*row)

    def to_row(self) -> tuple:
        return (self.term, self.category, self.neutral, self.note, self.not_before,
                self.source, self.line)

    @property
    def is_attribution(self) -> bool:
        return self.category in ATTRIBUTION_TYPES

    @property
    def key(self) -> tuple[str, ...]:
        return stem_words(self.term)


class Match(NamedTuple):
    """Tokens ``i``..``j-1`` of a sentence matched ``entry``."""

    i: int
    j: int
    entry: Entry


@lru_cache(maxsize=100_000)
def stem_words(phrase: str) -> tuple[str, ...]:
    return tuple(stem(normalize(w)) for w in TOKEN_RE.findall(phrase))


def _check_term(term: str) -> str | None:
    if not term:
        return "empty term"
    words = TOKEN_RE.findall(term)
    if " ".join(words) != " ".join(term.split()):
        return f"term {term!r} must be words separated by spaces (letters, digits, - and ')"
    return None


def load_entries(path: str | Path) -> list[Entry]:
    """Read and validate one lexicon file; raise :class:`LexiconError` on the first bad row.
    Parsed files are cached while their size and modification time stay the same."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise LexiconError(path, 0, f"cannot read: {exc.strerror or exc}") from None
    return list(_load_entries(path, st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=64)
def _load_entries(path: Path, mtime_ns: int, size: int) -> tuple[Entry, ...]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconError(path, 0, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # its positions count from after a BOM
        line = raw.count(b"\n", 0, len(raw) - len(exc.object) + exc.start) + 1
        raise LexiconError(path, line, "not valid UTF-8") from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if not header:
        raise LexiconError(path, 1, "empty file: expected a header row 'term,category,...'")
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise LexiconError(path, 1, f"missing column(s) {', '.join(missing)}; found {header}")
    col = {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
           if name in header}
    entries: list[Entry] = []
    seen: dict[tuple[str, ...], int] = {}
    last = rows.line_num  # physical line where the previous row ended
    for row in rows:
        line, last = last + 1, rows.line_num  # a quoted field may span several lines
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise LexiconError(path, line, f"expected {len(header)} fields, found {len(row)}")
        cell = {name: row[i].strip() for name, i in col.items()}
        term = " ".join(cell["term"].lower().split())
        problem = _check_term(term)
        if problem:
            raise LexiconError(path, line, problem)
        category = cell["category"]
        if not CATEGORY_RE.match(category):
            raise LexiconError(path, line, f"category {category!r} must match [a-z][a-z0-9_]*")
        entry = Entry(term, category, cell.get("neutral", ""), cell.get("note", ""),
                      cell.get("not_before", ""), path.name, line)
        if entry.key in seen:
            raise LexiconError(path, line, f"duplicate term {term!r} (first at line "
                               f"{seen[entry.key]}, same after stemming)")
        seen[entry.key] = line
        entries.append(entry)
    if not entries:
        raise LexiconError(path, 1, "no terms")
    return tuple(entries)


def default_paths() -> list[Path]:
    """The lexicon files shipped with framescore."""
    return sorted(DEFAULT_DIR.glob("*.csv"))


class Lexicon:
    """Entries from one or more files, compiled for matching. Later files override earlier ones
    for the same (stemmed) term, so a user lexicon can re-categorize a built-in term."""

    def __init__(self, entries: list[Entry]):
        self.entries: dict[tuple[str, ...], Entry] = {}
        for e in entries:
            self.entries.pop(e.key, None)  # keep the overriding entry's position last
            self.entries[e.key] = e
        longer: dict[str, dict[str, set[int]]] = {}
        for key in self.entries:
            if len(key) > 1:
                longer.setdefault(key[0], {}).setdefault(key[1], set()).add(len(key))
        #: For each stem that starts a term: the lengths of the longer terms to try there, by
        #: the stem after it (longest first), and the one-word term of that stem (or None).
        self._starts: dict[str, tuple[dict[str, tuple[int, ...]], Entry | None]] = {
            first: ({second: tuple(sorted(v, reverse=True))
                     for second, v in longer.get(first, {}).items()},
                    self.entries.get((first,)))
            for first in {key[0] for key in self.entries}}
        #: Each term's ``not_before`` phrases (stemmed), grouped by length: [(length, set)].
        self._blockers = {key: _by_length(e.not_before) for key, e in self.entries.items()
                          if e.not_before}

    @classmethod
    def from_paths(cls, paths: list[str | Path]) -> Lexicon:
        return cls([e for p in paths for e in load_entries(p)])

    @property
    def categories(self) -> list[str]:
        """Loaded-term categories, in order of first appearance."""
        return list(dict.fromkeys(e.category for e in self.entries.values()
                                  if not e.is_attribution))

    def lookup(self, term: str) -> Entry | None:
        return self.entries.get(stem_words(term))

    def match(self, sent: Sentence) -> list[Match]:
        """Leftmost-longest, non-overlapping matches in one pass over the sentence's tokens."""
        stems = sent.stems
        starts, entries = self._starts, self.entries
        last = len(stems) - 1
        out: list[Match] = []
        free = 0  # tokens before this one are part of a match
        for i in [i for i, s in enumerate(stems) if s in starts]:
            if i < free:
                continue
            longer, single = starts[stems[i]]
            # the longer terms starting with this token and the next, longest first
            for length in longer.get(stems[i + 1], ()) if i < last else ():
                key = tuple(stems[i : i + length])
                entry = entries.get(key) if len(key) == length else None
                if entry is not None and not (entry.not_before
                                              and self._blocked(key, stems, i + length)):
                    out.append(Match(i, i + length, entry))
                    free = i + length
                    break
            else:  # none: the term of this token alone
                if single is not None and not (single.not_before
                                               and self._blocked((stems[i],), stems, i + 1)):
                    out.append(Match(i, i + 1, single))
                    free = i + 1
        return out

    def _blocked(self, key: tuple[str, ...], stems: list[str], j: int) -> bool:
        """True when the words after the match start with one of the entry's ``not_before``."""
        return any(tuple(stems[j : j + n]) in phrases for n, phrases in self._blockers.get(key, ()))


def _by_length(phrases: str) -> list[tuple[int, frozenset[tuple[str, ...]]]]:
    """``|``-separated phrases, stemmed and grouped by their number of words."""
    groups: dict[int, set[tuple[str, ...]]] = {}
    for phrase in phrases.split("|"):
        if phrase.strip():
            words = stem_words(phrase)
            groups.setdefault(len(words), set()).add(words)
    return [(n, frozenset(g)) for n, g in groups.items()]
