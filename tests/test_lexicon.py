"""Lexicon files: loading, validation (file:line: reason), compiling and one-pass matching."""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURE_CATEGORIES, LOADED_CSV
from hypothesis import given, settings
from hypothesis import strategies as st

from framescore import Lexicon, LexiconError
from framescore.lexicon import (
    ATTRIBUTION_TYPES,
    Entry,
    default_paths,
    load_entries,
    stem_words,
)
from framescore.text import Sentence, segment


@pytest.fixture(scope="module")
def lexicon(lexicon_paths) -> Lexicon:
    return Lexicon.from_paths(lexicon_paths)


def matches(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    """(surface text, category) of every match in every sentence of ``text``."""
    out = []
    for sent in segment(text).sentences:
        for m in lexicon.match(sent):
            out.append((text[sent.starts[m.i] : sent.ends[m.j - 1]], m.entry.category))
    return out


# --- loading ----------------------------------------------------------------------------------


def test_load_entries_reads_every_column(lexicon_paths):
    loaded, attribution = lexicon_paths
    entries = load_entries(loaded)
    assert len(entries) == LOADED_CSV.count("\n") - 1
    first = entries[0]
    assert (first.term, first.category, first.neutral, first.note) == (
        "usurping entity", "delegitimizing", "Israel", "a test label")
    assert first.source == "loaded.csv"
    assert first.line == 2
    claimed = next(e for e in load_entries(attribution) if e.term == "claimed")
    assert claimed.not_before == "responsibility|credit|the lives|the life"
    assert claimed.is_attribution


def test_extra_and_reordered_columns_and_bom(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("\ufeffNote , Category,TERM,source_url\n"
                    "my words,smear,  Deep   State ,http://example.org\n",
                    encoding="utf-8")
    (entry,) = load_entries(path)
    assert entry.term == "deep state"  # lowercased, inner whitespace collapsed
    assert entry.category == "smear"
    assert entry.note == "my words"
    assert entry.neutral == ""


def test_blank_rows_are_skipped_and_line_numbers_kept(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("term,category\nmassacre,atrocity\n\n,\nbutchery,atrocity\n",
                    encoding="utf-8")
    assert [(e.term, e.line) for e in load_entries(path)] == [
        ("massacre", 2), ("butchery", 5)]


def test_categories_exclude_attribution_and_keep_file_order(lexicon):
    assert lexicon.categories == FIXTURE_CATEGORIES
    assert not set(lexicon.categories) & set(ATTRIBUTION_TYPES)


def test_lookup_is_inflection_and_case_insensitive(lexicon):
    assert lexicon.lookup("Martyrs").category == "valorizing"
    assert lexicon.lookup("CLAIMS").category == "distancing"
    assert lexicon.lookup("Usurping Entities").term == "usurping entity"
    assert lexicon.lookup("entity") is None


def test_entry_row_round_trip(lexicon):
    for e in lexicon.entries.values():
        assert Entry.from_row(e.to_row()) == e


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("term,neutral\nmassacre,killing\n", 1, "missing column"),
        ("word,category\nmassacre,atrocity\n", 1, "term"),
        ("", 1, "empty file"),
        ("term,category\n", 1, "no terms"),
        ("term,category\nmassacre,atrocity\nbutchery,Atrocity\n", 3, "category"),
        ("term,category\nmassacre,atrocity\nbutchery,emotive words\n", 3, "category"),
        ("term,category\nmassacre,atrocity\nbutchery,1st\n", 3, "category"),
        ("term,category\nmassacre,\n", 2, "category"),
        ("term,category\nu.s. puppet,delegitimizing\n", 2, "term"),
        ("term,category\nmassacre!,atrocity\n", 2, "term"),
        ("term,category\n,atrocity\n", 2, "empty term"),
        ("term,category\nmassacre,atrocity\nmassacres,atrocity\n", 3, "duplicate"),
        ("term,category\nMassacre,atrocity\nmassacre ,emotive\n", 3, "duplicate"),
        ("term,category,neutral\nmassacre,atrocity\n", 2, "fields"),
        ("term,category\nmassacre,atrocity,extra\n", 2, "fields"),
        ("term,category\nmassacre,atrocity\n\n\nbutchery,atrocity,killing,x\n", 5, "fields"),
    ],
)
def test_malformed_file_names_file_line_and_reason(tmp_path, content, line, reason):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_entries(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == line
    assert reason in err.reason
    assert str(err).startswith(f"{path}:{line}: ")
    assert isinstance(err, ValueError)


def test_duplicate_reason_points_to_first_occurrence(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("term,category\nmartyr,valorizing\nbrutal,emotive\nmartyred,valorizing\n",
                    encoding="utf-8")
    with pytest.raises(LexiconError, match=r"dup\.csv:4: duplicate term 'martyred'.*line 2"):
        load_entries(path)


def test_non_utf8_file_is_rejected_with_its_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("term,category\nmassacre,atrocity\nrégime,delegitimizing\n"
                     .encode("latin-1"))
    with pytest.raises(LexiconError) as info:
        load_entries(path)
    assert info.value.line == 3
    assert "UTF-8" in info.value.reason


def test_missing_file_is_a_lexicon_error(tmp_path):
    with pytest.raises(LexiconError, match="cannot read"):
        load_entries(tmp_path / "nope.csv")


def test_line_numbers_count_physical_lines_after_a_multiline_field(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('term,category,note\nmassacre,atrocity,"a note\nover two lines"\n'
                    "butchery,Bad,\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_entries(path)
    assert info.value.line == 4


def test_same_term_in_two_files_is_an_override_not_an_error(tmp_path, lexicon_paths):
    user = tmp_path / "user.csv"
    user.write_text("term,category\nslammed,criticism\n", encoding="utf-8")
    lex = Lexicon.from_paths([*lexicon_paths, user])
    assert lex.lookup("slammed").category == "criticism"
    assert lex.lookup("slams").source == "user.csv"
    assert lex.lookup("blasted").category == "loaded_verb"


# --- matching ---------------------------------------------------------------------------------


def test_case_and_inflection_insensitive(lexicon):
    text = "Two Martyrs were buried. He was martyred at dawn. A MARTYR fell. No martyrdom."
    assert matches(lexicon, text) == [
        ("Martyrs", "valorizing"), ("martyred", "valorizing"), ("MARTYR", "valorizing")]


def test_claim_inflections(lexicon):
    text = "She claims it. They claimed it. I claim it. The claimant stayed."
    assert [m for m, _ in matches(lexicon, text)] == ["claims", "claimed", "claim"]


def test_multi_word_terms_on_token_boundaries(lexicon):
    text = ("The usurping entities fell. Usurping the entity failed. "
            "The puppet regime and the puppet-regime era ended. Massacred villagers. "
            "The massacres, a massacre. Brutality and brutalist buildings.")
    found = matches(lexicon, text)
    assert ("usurping entities", "delegitimizing") in found
    assert ("puppet regime", "delegitimizing") in found
    assert all(m != "Usurping the entity" for m, _ in found)
    assert [m for m, c in found if c == "atrocity"] == ["Massacred", "massacres", "massacre"]
    assert all("brutalist" not in m.lower() for m, _ in found)


def test_hyphenated_and_accented_terms(lexicon):
    text = "Ces anti-terror fighters et le Régime fantoche. Anti terror fighters."
    assert matches(lexicon, text) == [
        ("anti-terror fighters", "valorizing"), ("Régime fantoche", "delegitimizing")]


def test_longest_match_first_and_no_double_counting(lexicon):
    text = "It was a brutal onslaught. It was brutal. A brutal, onslaught-like raid."
    assert matches(lexicon, text) == [
        ("brutal onslaught", "atrocity"), ("brutal", "emotive"), ("brutal", "emotive")]


def test_overlapping_candidates_resolve_leftmost_longest(tmp_path):
    path = tmp_path / "overlap.csv"
    path.write_text("term,category\nradical left,partisan\nleft wing,wing\n"
                    "radical left wing extremists,extreme\nwing extremists,wing2\n",
                    encoding="utf-8")
    lex = Lexicon.from_paths([path])
    assert matches(lex, "The radical left wing extremists marched.") == [
        ("radical left wing extremists", "extreme")]
    assert matches(lex, "The radical left wing marched.") == [("radical left", "partisan")]
    assert matches(lex, "The left wing extremists marched.") == [("left wing", "wing")]


def test_not_before_blocks_only_the_listed_continuations(lexicon):
    text = ("The group claimed responsibility for the raid. "
            "The group claims responsibility. "
            "The fire claimed the lives of six. "
            "The flood claimed the life of a child. "
            "The party claimed credit for the deal. "
            "The group claimed that it hit a depot. "
            "The group claimed the depot was hit.")
    assert [m for m, c in matches(lexicon, text) if c == "distancing"] == [
        "claimed", "claimed"]


def test_match_is_per_sentence(lexicon):
    # a term cannot straddle a sentence boundary
    text = "They fought for freedom. Fighters later left."
    assert matches(lexicon, text) == []


def test_adverbs_are_not_collapsed_onto_their_verbs(lexicon):
    """'allegedly' (hedge) and 'alleged' (distancing) are different patterns, and the hedge
    'reportedly' must not fire on 'reporters' or 'the report'."""
    text = ("The alleged plot failed. The plot allegedly failed. The report told reporters "
            "it was reported. It reportedly failed.")
    assert matches(lexicon, text) == [
        ("alleged", "distancing"), ("allegedly", "hedge"), ("told", "report"),
        ("reportedly", "hedge")]


def test_default_paths_are_the_shipped_csv_files():
    for p in default_paths():
        assert p.suffix == ".csv"
        assert p.parent.name == "lexicons"


# --- cost does not grow with the lexicon --------------------------------------------------------

TEXT = ("The puppet regime slammed the radical left. According to officials, the brutal "
        "onslaught was a massacre of martyrs, the group claimed. It reportedly could not be "
        "independently verified. The usurping entity's freedom fighters blasted it.")


def _big_lexicon(lexicon_paths, factor: int) -> Lexicon:
    """The fixture lexicon plus ``factor - 1`` times as many filler terms. Each filler term
    shares its first word and its length with a real multi-word term, so it lands in the same
    bucket of the index; single-word filler terms are words the text does not contain."""
    base = [e for p in lexicon_paths for e in load_entries(p)]
    filler = []
    for k in range(len(base) * (factor - 1)):
        words = base[k % len(base)].term.split()
        if len(words) > 1:
            term = " ".join([words[0]] + [f"zq{k}x{t}" for t in range(len(words) - 1)])
        else:
            term = f"zq{k}y"
        filler.append(Entry(term, f"filler{k % 7}"))
    return Lexicon(base + filler)


class CountingDict(dict):
    """A dict that counts point lookups and refuses to be iterated."""

    def __init__(self, *a):
        super().__init__(*a)
        self.lookups = 0

    def get(self, key, default=None):
        self.lookups += 1
        return super().get(key, default)

    def __getitem__(self, key):
        self.lookups += 1
        return super().__getitem__(key)

    def __contains__(self, key):
        self.lookups += 1
        return super().__contains__(key)

    def _refuse(self, *a, **k):
        raise AssertionError("Lexicon.match iterated over the whole lexicon")

    __iter__ = keys = values = items = _refuse


def test_ten_times_larger_lexicon_gives_identical_matches(lexicon_paths):
    small = Lexicon.from_paths(lexicon_paths)
    big = _big_lexicon(lexicon_paths, 10)
    assert len(big.entries) == 10 * len(small.entries)
    for sent in segment(TEXT).sentences:
        a = [(m.i, m.j, m.entry) for m in small.match(sent)]
        b = [(m.i, m.j, m.entry) for m in big.match(sent)]
        assert a == b
    assert len(matches(small, TEXT)) >= 10


def test_match_never_scans_the_lexicon_and_lookups_do_not_grow(lexicon_paths, monkeypatch):
    lexicons = [Lexicon.from_paths(lexicon_paths), _big_lexicon(lexicon_paths, 10),
                _big_lexicon(lexicon_paths, 50)]
    for lex in lexicons:
        lex.entries = CountingDict(lex.entries)
    sentences = segment(TEXT).sentences

    def no_regex(*a, **k):
        raise AssertionError("Lexicon.match used a regular expression")

    for name in ("compile", "match", "search", "fullmatch", "finditer", "findall", "sub"):
        monkeypatch.setattr(re, name, no_regex)
    results = []
    for lex in lexicons:
        found = [[(m.i, m.j, m.entry.term) for m in lex.match(s)] for s in sentences]
        results.append((found, lex.entries.lookups))
    monkeypatch.undo()
    (found0, n0), *rest = results
    assert n0 > 0
    for found, n in rest:
        assert found == found0
        assert n == n0, "dictionary lookups grew with the lexicon's size"
    n_tokens = sum(len(s) for s in sentences)
    assert n0 <= 5 * n_tokens


def naive_match(lexicon: Lexicon, stems: list[str]) -> list[tuple[int, int, str]]:
    """The matching rule spelled out: at each token not inside a match, the longest term
    starting there whose following words are not one of its ``not_before`` phrases."""
    out, i = [], 0
    while i < len(stems):
        for j in range(len(stems), i, -1):
            entry = lexicon.entries.get(tuple(stems[i:j]))
            blockers = [stem_words(b) for b in entry.not_before.split("|") if b.strip()] \
                if entry else []
            if entry and not any(tuple(stems[j : j + len(b)]) == b for b in blockers):
                out.append((i, j, entry.term))
                i = j
                break
        else:
            i += 1
    return out


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["brutal", "onslaught", "freedom", "fighter", "claim",
                                 "respons", "credit", "the", "live", "life", "accord", "to",
                                 "could", "not", "be", "independently", "verifi", "radic",
                                 "left", "x"]),
                max_size=25))
def test_match_is_the_naive_leftmost_longest_scan(lexicon, stems):
    sent = Sentence(0, 0, stems=stems)
    assert [(m.i, m.j, m.entry.term) for m in lexicon.match(sent)] == \
        naive_match(lexicon, stems)


@pytest.mark.parametrize(("text", "expected"), [
    ("He made a suggestive remark about the vote.", []),  # after "a": a noun phrase
    ("The evidence was attestable.", [("attestable", "endorsing")]),  # an adjective: kept
    ("She suggested a pause.", [("suggested", "report")]),
])
def test_adjectives_of_speech_verbs(text, expected):
    """Which adjective endings never read as a noun (``lexicon._ADJECTIVE_ENDINGS``)."""
    shipped = Lexicon.from_paths(default_paths())
    assert [m for m in matches(shipped, text) if m[1] in ("report", "endorsing")] == expected


# --- neutral wordings inflected to fit the matched text (the words: test_wording.py) -----


def test_lexicon_gives_the_fitted_neutral_of_a_match(lexicon):
    """The fixture lexicon's 'martyr' (neutral 'killed person') and 'slammed' ('criticized')."""
    assert lexicon.neutral_for("Martyrs", "killed person") == "killed people"
    assert lexicon.neutral_for("martyr", "killed person") == "killed person"
    assert lexicon.neutral_for("slammed", "criticized") == "criticized"
    assert lexicon.neutral_for("martyrs", "") == ""
    assert lexicon.neutral_for("no such term", "x") == "x"  # not the lexicon's: as given


@pytest.mark.parametrize(("category", "expected"), [
    ("loaded_verb", "says nothing"),  # a category of verbs: a verb phrase, its first word
    ("distancing", "says nothing"),  # so are the attribution types
    ("emotive", "say nothings"),  # any other: a noun phrase, its head
])
def test_the_category_says_whether_the_neutral_wording_is_a_verb_phrase(category, expected):
    lexicon = Lexicon([Entry("stonewall", category, "say nothing")])
    assert lexicon.neutral_for("stonewalls", "say nothing") == expected
