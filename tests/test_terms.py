"""Term weights learned from span annotations (framescore.terms)."""

import pytest

from framescore.features import FramingFeatures
from framescore.terms import (
    inflects,
    learn_label_terms,
    learn_terms,
    parse_word_list,
    word_spans,
)


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


# --- candidate words that lean towards framed texts (learn_label_terms) ---------------------

LABELLED = [
    ("The council's reckless plan drew a furious crowd.", 1),
    ("A reckless and shameful vote ended the session.", 1),
    ("Critics called the budget shameful.", 1),
    ("The furious mayor left early.", 1),
    ("The council approved the plan on a close vote.", 0),
    ("The session ended after a vote.", 0),
    ("A furious storm closed the road.", 0),
    ("Reckless Creek flooded the valley road.", 0),
    ("The mayor met Reckless in the valley.", 0),
    ("The budget passed with the mayor's support.", 0),
]


def lean_of(candidates, **kw):
    texts, y = zip(*LABELLED, strict=True)
    return dict(learn_label_terms(texts, y, candidates, **kw))


def test_a_candidate_found_mostly_in_framed_texts_leans_framed():
    terms = lean_of(["shameful", "furious", "vote"], prior=1.0)
    assert terms["shameful"] > terms["furious"] > 0  # 2 of 2 framed beats 2 of 3
    assert "vote" not in terms  # 1 framed text of 3: below the base rate


def test_words_that_are_not_candidates_are_never_learned():
    assert "council" not in lean_of(["shameful"], prior=1.0)


def test_a_word_mostly_written_as_a_name_is_not_learned():
    texts = ["Voters in Hope rejected the shameful plan.", "The mayor of Hope resigned.",
             "A rally in Hope turned angry.", "There is little hope for the plan.",
             "The council met.", "The road reopened."]
    y = [1, 1, 1, 0, 0, 0]
    assert learn_label_terms(texts, y, ["hope"], prior=1.0, min_lean=-1.0) == []
    lower = [t.replace("in Hope", "in hope").replace("of Hope", "of hope") for t in texts]
    assert [t for t, _ in learn_label_terms(lower, y, ["hope"], prior=1.0)] == ["hope"]


def test_min_texts_and_exclude_by_stem():
    assert "shameful" not in lean_of(["shameful"], prior=1.0, min_texts=3)
    assert lean_of(["shameful", "furious"], prior=1.0, exclude=["fury", "shameful"]) == {
        "furious": lean_of(["furious"], prior=1.0)["furious"]}


def test_a_stem_leans_over_every_form_it_matches():
    # terms match by stem, so "nationalism" would also match "nations": its lean is measured
    # over every text with a word of the stem, and here that stem does not lean framed
    texts = ["Rampant nationalism poisoned the debate.", "Crude nationalism won the vote.",
             "The nations signed the treaty.", "Two nations met in Geneva.",
             "The national budget passed.", "Both nations agreed.", "The nations voted.",
             "Officials met on the border."]
    y = [1, 1, 0, 0, 0, 0, 0, 0]
    assert learn_label_terms(texts, y, ["nationalism"], prior=1.0) == []
    # one term per stem, as its most frequent form
    texts = ["They attack the plan.", "Attacks on the plan grew vile.", "The attacks went on.",
             "The plan went ahead.", "The attacks came at dawn.", "The talks resumed."]
    terms = learn_label_terms(texts, [1, 1, 1, 0, 0, 0], ["attack", "attacked"], prior=1.0)
    assert [t for t, _ in terms] == ["attacks"]


@pytest.mark.parametrize(("form", "word", "expected"), [
    ("attacks", "attack", True), ("attacking", "attack", True), ("slammed", "slam", True),
    ("criticized", "criticize", True), ("hopes", "hope", True), ("attack", "attacks", True),
    ("decades", "decadent", False), ("nations", "nationalism", False),
    ("intelligence", "intelligent", False),
])
def test_inflections_of_a_word_and_other_words_of_its_stem(form, word, expected):
    assert inflects(form, word) is expected


def test_a_stem_used_mostly_as_another_word_is_not_learned():
    # "decadent" shares its stem with "decades": most uses of the stem are not the candidate
    texts = ["The decadent elite mocked the poor.", "For decades the elite mocked the poor.",
             "Decades of abuse angered voters.", "It took two decades to build.",
             "The road opened.", "The talks resumed."]
    y = [1, 1, 1, 0, 0, 0]
    assert learn_label_terms(texts, y, ["decadent"], prior=1.0) == []
    assert [t for t, _ in learn_label_terms(texts, y, ["decadent", "decade"], prior=1.0)] == [
        "decades"]


def test_labels_must_match_texts():
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        learn_label_terms(["a b c", "d e f"], [1], ["abc"])
