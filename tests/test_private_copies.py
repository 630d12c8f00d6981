"""The private copies of library internals give the libraries' own answers.

- ``framescore._punkt`` (NLTK's Punkt, with NLTK's private patterns and its span and break
  logic rewritten) against NLTK's ``PunktSentenceTokenizer`` and Punkt word tokenizer;
- ``framescore._ngrams`` (n-gram counting over segmented sentences) against scikit-learn's
  ``CountVectorizer``.

Where a copy differs on purpose, a test below shows the difference. The texts are written
here or generated from pieces written here (and, where ../shared is present, BABE and
WikiNPOV sentences read from it); hypothesis runs derandomized, so every run draws the same
examples.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import regex
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
)
from sklearn.feature_extraction.text import CountVectorizer

from framescore import FramingFeatures, _punkt
from framescore._ngrams import NgramCounter
from framescore.text import _PUNKT, ABBREVIATIONS, _sentence_spans, segment

ROOT = Path(__file__).resolve().parents[1]


def test_installed_versions_are_within_the_pins():
    """The copies are checked against the versions pyproject.toml allows; these tests vouch
    for the installed ones, which must be among them."""
    specifiers = pytest.importorskip("packaging.specifiers")
    requirements = pytest.importorskip("packaging.requirements")
    pins = {}
    for line in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
            "project"]["dependencies"]:
        req = requirements.Requirement(line)
        pins[req.name] = req.specifier
    for name in ("nltk", "scikit-learn"):
        spec = pins[name]
        assert isinstance(spec, specifiers.SpecifierSet)
        assert any(s.operator == "<" for s in spec), f"{name} has no upper bound"
        assert version(name) in spec, f"{name} {version(name)} is outside {spec}"


# --- Punkt: framescore._punkt against NLTK ----------------------------------------------------

SENTENCE_PIECES = ["The", "army", "said", "it", "U.S", "Mr", "Gen", "e.g", "J", "3", "0.5",
                   ".", ".", ".", "?", "!", "...", '"', "'", "”", "“", "‘", "’", "«", "»", ")",
                   "(", "]", ",", ";", ":", "--", " ", " ", " ", "  ", "\xa0", "\t", "\n",
                   "\x1d", "café"]


def plain_punkt() -> PunktSentenceTokenizer:
    """Punkt with the project's abbreviations and no shortcut: the reference."""
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), min_size=1, max_size=30).map("".join))
def test_sentence_spans_are_punkts(chunk):
    chunk = chunk.strip()
    assume(chunk)
    assert _sentence_spans(chunk, 0, len(chunk)) == list(plain_punkt().span_tokenize(chunk))


@settings(max_examples=1000)
@given(st.sampled_from(["said", "U.S", "u.s.a", "Mr", "mr", "J", "No", "x.y", "Gen", "etc",
                        "a", "it", "ab", "3", "2018", "1,000", "anti-war", "ex-gov", "x-y",
                        "U.S-led", "x--y", "war-", "(war)", "war”", "wait?", ""]),
       st.sampled_from([".", ". ", ".  ", ".\xa0", ".\n", ". .", '."', ".'", ".)", ".”", ".’",
                        ".»", ".“", ".]", "? ", "! ", "?", "?”", "?\n"]),
       st.sampled_from(["", "The", "the", "“The", "He's", "x", "Smith.", "A.B.", "it?", "-",
                        ".x", "green,", "3", "ǅx", "éclair", "Éclair", ";", "the.”", "a?b"]),
       st.sampled_from(["", " more", " Word."]))
def test_punkt_shortcut_gives_punkts_answer(word, mark, following, rest):
    context = word + mark + following + rest
    assert _PUNKT.text_contains_sentbreak(context) == \
        plain_punkt().text_contains_sentbreak(context)


@settings(max_examples=1000)
@given(st.sampled_from(["said", "U.S", "Mr", "x-gen", "J", "é", "_", "ǅ", "3", "0.5", ".5", "1,000",
                        "4th", "##number##", "(war", "“war", "war”", ".", ""]),
       st.sampled_from([".", ". ", ".\xa0", ".\n", ". .", "..", "...", '."', ".”", ".)", "?",
                        "! ", "?”"]),
       st.sampled_from(["", "The", "the", "3", ",", ";", "“The", "éclair", "Éclair", "ǅx", "-",
                        "_x", "Smith.", "J.", "a?b"]),
       st.sampled_from(["", " more", " Word.", "\nNext"]))
def test_token_rules_give_punkts_answer(word, mark, following, rest):
    """The untrained second pass written out (what the shortcut leaves to it) decides as
    Punkt's annotation does."""
    context = word + mark + following + rest
    assert _PUNKT._tokens_contain_sentbreak(context) == \
        plain_punkt().text_contains_sentbreak(context)


def test_plain_text_pattern_takes_whitespace_as_nltks_does():
    """Python's ``re`` runs NLTK's pattern of a possible break (on text without the
    characters it excepts): the two engines take the same characters for whitespace, but
    for those excepted."""
    nltk_pattern = _PUNKT._lang_vars.period_context_re()
    every_character = "".join(map(chr, range(sys.maxunicode + 1)))
    ours = set(re.findall(r"\s", every_character))
    engine = re if isinstance(nltk_pattern, re.Pattern) else regex  # NLTK 3.10.4: regex
    nltks = set(engine.compile(r"\s", nltk_pattern.flags).findall(every_character))
    differ = ours ^ nltks
    assert differ <= set(_punkt._PLAIN_TEXT_EXCEPTIONS)
    assert _punkt._PERIOD_CONTEXT_PLAIN.pattern == nltk_pattern.pattern


def test_punkt_keeps_nltks_interface():
    text = "Hello there. The U.S. army said so. Next one! (He left.) Then"
    assert _PUNKT.tokenize(text) == plain_punkt().tokenize(text)
    assert _PUNKT.span_tokenize(text, False) == list(plain_punkt().span_tokenize(text, False))


def test_sentence_spans_are_punkts_on_news_text(shared_dir):
    """Every paragraph of articles made of BABE sentences and WikiNPOV statements (in
    paragraphs of one to four) splits as NLTK's own Punkt splits it."""
    babe = pd.read_csv(shared_dir / "corpora" / "babe" / "final_labels_SG2.csv", sep=";")
    wiki = pd.read_csv(shared_dir / "corpora" / "wikinpov" / "wikinpov_statements.csv")
    texts = [t for t in [*babe["text"], *wiki["text"]] if isinstance(t, str) and t.strip()]
    reference, k = plain_punkt(), 0
    while k < len(texts):
        chunk = " ".join(t.strip() for t in texts[k : k + 1 + k % 4])
        k += 1 + k % 4
        assert _sentence_spans(chunk, 0, len(chunk)) == list(reference.span_tokenize(chunk))


PUNKT_TEXTS = [
    "Hello there. The U.S. army said so. Next one! (He left.) Then",
    "Mr. Smith met Gen. Li at 3 p.m. on Jan. 5. They talked... for hours.",
    '"It is over," she said. \u201cNo.\u201d He left? Yes!  Really.\n\nNew paragraph.',
    "The figure was 3.5 per cent. in 2018. the rest J. K. Rowling wrote.",
    "Prices rose 4.2%. Analysts (e.g. at the bank) expected less.\tA tab. A\xa0space.",
    "Caf\u00e9 owners\u2019 \u00abanti-terror\u00bb rally. \u2018Quoted.\u2019 Last one",
]


@pytest.mark.parametrize("text", PUNKT_TEXTS)
def test_sentences_of_our_texts_are_punkts(text):
    reference = plain_punkt()
    assert _PUNKT.tokenize(text) == reference.tokenize(text)
    assert _PUNKT.span_tokenize(text) == list(reference.span_tokenize(text))


@settings(max_examples=300)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=40).map("".join))
def test_word_tokens_are_punkts(text):
    """The word tokenizer of the copy's language settings is NLTK's (its private pattern,
    recompiled), and the copy's token type reads each token as NLTK's does."""
    ours = _PUNKT._lang_vars.word_tokenize(text)
    assert ours == PunktLanguageVars().word_tokenize(text)
    for tok in ours:
        assert token_reading(_punkt._PunktToken(tok)) == token_reading(PunktToken(tok))


def token_reading(token: PunktToken) -> tuple:
    """What Punkt reads a token as (its patterns' matches, as yes or no)."""
    return (token.type, token.period_final, *map(bool, (
        token.is_ellipsis, token.is_number, token.is_initial, token.is_alpha,
        token.is_non_punct)))


def test_patterns_are_nltks():
    """The copy runs NLTK's own patterns (same source, same flags), only not through the
    wall-clock wrapper."""
    nltk_vars, ours = PunktLanguageVars(), _punkt._PunktVars()
    pairs = [(ours.period_context_re(), nltk_vars.period_context_re()),
             (ours._word_tokenizer_re(), nltk_vars._word_tokenizer_re()),
             (ours.re_boundary_realignment, PunktLanguageVars.re_boundary_realignment)]
    pairs += [(getattr(_punkt._PunktToken, name), getattr(PunktToken, name))
              for name in ("_RE_ELLIPSIS", "_RE_NUMERIC", "_RE_INITIAL", "_RE_ALPHA")]
    for mine, theirs in pairs:
        assert (mine.pattern, mine.flags) == (theirs.pattern, theirs.flags)
        assert isinstance(mine, re.Pattern | regex.Pattern)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), min_size=1, max_size=30).map("".join))
def test_what_is_one_sentence_is_one_to_punkt(chunk):
    """The shortcut that skips Punkt (``is_one_sentence``) skips only chunks Punkt returns
    whole."""
    chunk = chunk.strip()
    assume(chunk and _punkt.is_one_sentence(chunk))
    assert list(plain_punkt().span_tokenize(chunk)) == [(0, len(chunk))]


# Where the copy differs from NLTK's Punkt on purpose:


def test_difference_the_copy_knows_the_projects_abbreviations():
    """1. Abbreviations. NLTK's untrained ``PunktSentenceTokenizer()`` knows none and splits
    after "Gen." and "Sen."; the copy is given :data:`framescore.text.ABBREVIATIONS` (and
    agrees with NLTK's tokenizer given the same ones: the tests above)."""
    text = "Gen. Smith met Sen. Jones. They spoke."
    assert PunktSentenceTokenizer().tokenize(text) == [
        "Gen.", "Smith met Sen.", "Jones.", "They spoke."]
    assert _PUNKT.tokenize(text) == ["Gen. Smith met Sen. Jones.", "They spoke."]
    assert _PUNKT.tokenize(text) == plain_punkt().tokenize(text)


def test_difference_the_copy_runs_without_nltks_time_limit(monkeypatch):
    """2. No time limit. NLTK 3.10.4 runs Punkt's patterns under a wall-clock limit
    (``nltk.redos.DEFAULT_TIMEOUT``, 5 s), which a long paragraph can exceed (TimeoutError);
    the copy runs the same patterns without it. A limit of 0 makes NLTK fail on any text,
    deterministically; the copy's answer is NLTK's answer without the limit."""
    if isinstance(PunktLanguageVars().period_context_re(), re.Pattern):
        pytest.skip("this NLTK's Punkt runs its patterns without a time limit")
    import nltk.redos as redos
    text = "The army said so. Mr. Li left. It rained! " * 50
    expected = list(plain_punkt().span_tokenize(text))
    monkeypatch.setattr(redos, "DEFAULT_TIMEOUT", 0)
    with pytest.raises(TimeoutError):
        list(plain_punkt().span_tokenize(text))
    assert _PUNKT.span_tokenize(text) == expected
    assert _sentence_spans(text.strip(), 0, len(text.strip())) == expected


# --- n-grams: framescore._ngrams against scikit-learn's CountVectorizer -----------------------

NGRAM_CORPUS = [
    "The militia held the ridge. The ridge held, and the militia's ridge-top post fell.",
    "It's anti-terror, x_y said: the well-known co-op's ridge held.",
    "Caf\u00e9 owners\u2019 \u201canti-terror\u201d rally drew 3,000 people in S\u00e3o Paulo.",
    "\u0130stanbul \u039f\u0394\u039f\u03a3 \u0130-x held the ridge. \u03a3 held.",
    "Officials said the militia held the post.\n\nA second paragraph: the ridge, held again.",
]
NGRAM_PIECES = ["militia", "ridge", "held", "the", "The", "post", "anti-terror", "it's",
                "It\u2019s", "Israel\u2019s", "x_y", "a", "I", "3", "3,000", "U.S.", "well-known",
                "co-op's",
                "caf\u00e9", "CAF\u00c9", "\u0130stanbul", "\u03a3", "\u039f\u0394\u039f\u03a3",
                "\u01c5x", "e\u0301x", "\u212a", "\u1e9e", "\u2019", "'", "-", "--", "_",
                " ", " ", " ", "  ", ". ", "? ", ", ", "\n", "\n\n", "\u201c", "\u201d", "\u2014",
                "\xa0"]
NGRAM_RANGES = [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3)]


def sentences_of(texts: list[str]) -> list[str]:
    return [t[s.start : s.end] for t in texts for s in segment(t).sentences]


def copy_counts(vocabulary: list[str], ngram_range: tuple[int, int],
                texts: list[str]) -> np.ndarray:
    """The copy's counts of ``vocabulary`` in each sentence of ``texts``, as
    :class:`framescore.features.FramingFeatures` makes them."""
    counter = NgramCounter(CountVectorizer(ngram_range=ngram_range, vocabulary=vocabulary))
    batch = counter.batch()
    for text in texts:
        batch.add(segment(text))
    rows, cols, values = counter.count(batch)
    shape = (len(batch.n_tokens), counter.n_columns)
    return sp.csr_matrix((values, (rows, cols)), shape=shape).toarray()


def vectorizer_counts(vocabulary: list[str], ngram_range: tuple[int, int],
                      texts: list[str]) -> np.ndarray:
    sentences = sentences_of(texts)
    vectorizer = CountVectorizer(ngram_range=ngram_range, vocabulary=vocabulary)
    if not sentences:
        return np.zeros((0, len(vocabulary)))
    return vectorizer.transform(sentences).toarray()


def vocabulary_of(texts: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """CountVectorizer's vocabulary of the sentences of ``texts``, in its column order."""
    fitted = CountVectorizer(ngram_range=ngram_range).fit(sentences_of(texts))
    return list(fitted.get_feature_names_out())


@pytest.mark.parametrize("ngram_range", NGRAM_RANGES)
def test_counts_of_our_texts_are_count_vectorizers(ngram_range):
    vocabulary = vocabulary_of(NGRAM_CORPUS, ngram_range)
    for words in (vocabulary, vocabulary[::2], vocabulary[1::3]):  # and n-grams only as prefixes
        ours = copy_counts(words, ngram_range, NGRAM_CORPUS)
        assert ours.shape == (len(sentences_of(NGRAM_CORPUS)), len(words))
        assert ours.sum() > 0
        np.testing.assert_array_equal(ours, vectorizer_counts(words, ngram_range, NGRAM_CORPUS))


@settings(max_examples=300)
@given(st.lists(st.lists(st.sampled_from(NGRAM_PIECES), max_size=40).map("".join), max_size=4),
       st.sampled_from(NGRAM_RANGES))
def test_counts_are_count_vectorizers(texts, ngram_range):
    """Generated texts (hyphens and apostrophes inside and around words, one-letter words,
    underscores, digits, curly quotes, accents, combining marks, and the letters whose
    lowercase is not one character in place: \u0130, \u03a3), counted with a vocabulary fitted on
    them and the corpus above."""
    vocabulary = vocabulary_of([*texts, *NGRAM_CORPUS], ngram_range)
    np.testing.assert_array_equal(copy_counts(vocabulary, ngram_range, texts),
                                  vectorizer_counts(vocabulary, ngram_range, texts))


def test_framing_features_gives_the_copy_the_settings_it_mirrors():
    """FramingFeatures' vectorizer has scikit-learn's defaults but for the vocabulary, the
    n-gram range and the fitting limits: the settings the copy mirrors."""
    ff = FramingFeatures(ngrams=True, ngram_range=(1, 3), min_df=2, max_features=50)
    params = ff._vectorizer_for(["ridge held"]).get_params()
    defaults = CountVectorizer().get_params()
    differ = {k for k in params if params[k] != defaults[k]}
    assert differ == {"ngram_range", "min_df", "max_features", "vocabulary"}


def test_difference_the_copy_has_the_default_token_pattern_only():
    """Where the copy differs on purpose: it mirrors the default tokenization (runs of two
    word characters or more), the only one FramingFeatures uses (see above); given a
    vectorizer with another ``token_pattern``, it still counts as the default one does."""
    words, texts = ["a", "a ridge", "ridge"], ["Hold a ridge. A ridge held."]
    one_letter = r"(?u)\b\w+\b"
    counter = NgramCounter(CountVectorizer(ngram_range=(1, 2), vocabulary=words,
                                           token_pattern=one_letter))
    batch = counter.batch()
    batch.add(segment(texts[0]))
    rows, cols, values = counter.count(batch)
    ours = sp.csr_matrix((values, (rows, cols)), shape=(2, 3)).toarray()
    np.testing.assert_array_equal(ours, [[0, 0, 1], [0, 0, 1]])  # the default's counts
    theirs = CountVectorizer(ngram_range=(1, 2), vocabulary=words, token_pattern=one_letter)
    np.testing.assert_array_equal(theirs.transform(sentences_of(texts)).toarray(),
                                  [[1, 1, 1], [1, 1, 1]])
