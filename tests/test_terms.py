"""Term weights learned from span annotations (framescore.terms)."""

import pytest

from framescore.features import FramingFeatures
from framescore.terms import learn_terms, parse_word_list, word_spans


def _corpus():
    texts, marked = [], []
    for i in range(6):  # "scheming" marked in 5 of its 6 uses; "budget" never
        t = f"The scheming governor cut the budget on Monday in Ardvale, report {i} says."
        texts.append(t)
        marked.append(word_spans(t, ["scheming", "Monday", "Ardvale"] if i < 5 else []))
    texts.append("Quietly, the council met.")
    marked.append([])
    return texts, marked


def test_learned_terms_and_weights():
    texts, marked = _corpus()
    terms = dict(learn_terms(texts, marked, min_marked=2, min_weight=0.2, prior=2.0))
    assert terms["scheming"] == pytest.approx(5 / (6 + 2), abs=1e-4)
    assert "budget" not in terms  # never marked


def test_weekdays_names_and_stop_words_are_never_learned():
    texts, marked = _corpus()
    marked = [word_spans(t, ["Monday", "Ardvale", "the", "on"]) for t in texts]
    assert learn_terms(texts, marked, min_marked=1, min_weight=0.0) == []


def test_word_spans_and_word_lists():
    text = "A Bizarre claim, bizarre indeed; not bizarreness."
    assert [text[s:e] for s, e in word_spans(text, ["bizarre"])] == ["Bizarre", "bizarre"]
    assert parse_word_list("['a', 'b c']") == ["a", "b c"]
    assert parse_word_list("a|b") == ["a", "b"]
    assert parse_word_list(float("nan")) == []
    with pytest.raises(ValueError, match="word list"):
        parse_word_list("['a'")


def test_learned_terms_feed_their_own_weighted_feature_with_voice():
    ff = FramingFeatures(learned_terms=[("wobbly", 0.5)]).fit([""])
    spans = ff.spans('The wobbly plan. He said it was "wobbly" work.')
    learned = [s for s in spans if s["category"] == "learned"]
    assert [s["voice"] for s in learned] == ["narrator", "quoted"]
    row = dict(zip(ff.get_feature_names_out(), ff.transform(["The wobbly plan."]).toarray()[0],
                   strict=True))
    assert row["loaded:learned:narrator"] == 0.5
    assert row["loaded:narrator"] == 0  # learned terms stay out of the counts by voice


def test_a_lexicon_entry_overrides_a_learned_term():
    ff = FramingFeatures(learned_terms=[("usurping entity", 0.9)]).fit([""])
    assert ff.lexicon.lookup("usurping entity").category != "learned"
