"""Segmentation: title, paragraphs, sentences (Punkt), tokens with offsets, quotations, voice."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import voices_of
from hypothesis import given, settings
from hypothesis import strategies as st

from framescore import text as text_module
from framescore.text import (
    TOKEN_RE,
    VOICES,
    Sentence,
    find_quotes,
    find_title,
    normalize,
    paragraphs,
    segment,
    stem,
    token_spans,
)


def sentence_texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in segment(text).sentences]


def quote_texts(text: str) -> list[str]:
    return [text[q.start : q.end] for q in segment(text).quotes]


# --- sentences: Punkt with the project's abbreviations ------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The U.S. envoy landed in the capital on Monday.",
        "Officials at the U.N. office refused to comment.",
        "He met Mr. Okafor at the embassy.",
        "The report by Dr. Lindqvist was leaked.",
        "Troops under Gen. Moreau entered the town.",
        "The bill from Sen. Alvarez failed in committee.",
        "The vote is set for Jan. 14 in the assembly.",
        "The motion was tabled as No. 12 on the list.",
    ],
)
def test_abbreviation_does_not_end_a_sentence(sentence):
    text = f"Heavy rain fell overnight. {sentence} The roads reopened later."
    assert sentence_texts(text) == [
        "Heavy rain fell overnight.", sentence, "The roads reopened later."
    ]


def test_several_abbreviations_in_one_sentence():
    text = ("Mr. Haddad and Dr. Weiss of the U.S. mission met Gen. Tran on Jan. 3. "
            "They agreed on nothing.")
    assert sentence_texts(text) == [
        "Mr. Haddad and Dr. Weiss of the U.S. mission met Gen. Tran on Jan. 3.",
        "They agreed on nothing.",
    ]


def test_ordinary_full_stops_split_sentences():
    assert sentence_texts("One. Two words. Three more words!") == [
        "One.", "Two words.", "Three more words!"
    ]


@pytest.mark.slow
def test_segmentation_needs_no_downloaded_nltk_data(tmp_path):
    """nltk.download is not available offline: segmenting must not look for NLTK data."""
    code = (
        "import nltk.data\n"
        "def refuse(*a, **k):\n"
        "    raise LookupError('nltk data requested')\n"
        "nltk.data.find = refuse\n"
        "nltk.data.load = refuse\n"
        "nltk.data.path[:] = []\n"
        "from framescore.text import segment\n"
        "d = segment('Storm hits town\\n\\nMr. Li said the U.S. team left. It rained.')\n"
        "print(len(d.sentences))\n"
    )
    env = {"NLTK_DATA": str(tmp_path), "PATH": "", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "3"


# --- tokens -----------------------------------------------------------------------------------


def test_token_offsets_cut_back_to_the_tokens():
    text = "Café owners’ “anti-terror” rally 😀 in São Paulo\r\ndrew 3,000 people."
    spans = token_spans(text)
    tokens = [text[s:e] for s, e in spans]
    assert tokens == ["Café", "owners", "anti-terror", "rally", "in", "São", "Paulo", "drew",
                      "3", "000", "people"]


def test_sentence_token_lists_are_parallel_and_exact():
    text = "Le régime a dit «non». Israel’s army didn’t move, officials said.\r\n"
    for sent in segment(text).sentences:
        n = len(sent)
        assert len(sent.ends) == len(sent.norms) == len(sent.stems) == len(sent.voices) == n
        for s, e, norm in zip(sent.starts, sent.ends, sent.norms, strict=True):
            assert sent.start <= s < e <= sent.end
            assert text[s:e].lower().replace("’", "'") == norm
        assert set(sent.voices) <= set(VOICES)


def test_stem_is_inflection_insensitive():
    assert stem("martyr") == stem("martyrs") == stem("martyred")
    assert stem("claim") == stem("claims") == stem("claimed")


# --- title --------------------------------------------------------------------------------------


def title_of(text: str) -> str | None:
    t = find_title(text)
    return None if t is None else text[t[0] : t[1]]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Floods cut off river villages\n\nThe river burst its banks on Sunday.",
         "Floods cut off river villages"),
        ("Floods cut off river villages\nThe river burst its banks on Sunday.",
         "Floods cut off river villages"),
        ("Floods cut off river villages\r\n\r\nThe river burst its banks on Sunday.\r\n",
         "Floods cut off river villages"),
        ("\n\n   Floods cut off river villages   \n\nThe river burst its banks.",
         "Floods cut off river villages"),
        ("U.S. envoy visits U.N. headquarters\n\nThe envoy arrived on Monday.",
         "U.S. envoy visits U.N. headquarters"),
        ("Is the bridge safe?\n\nEngineers inspected it on Friday.", "Is the bridge safe?"),
        ("Home \u00a0/\u00a0 World \u00a0/\u00a0 Europe\n\nFloods cut off river villages\n\n"
         "The river burst its banks on Sunday.", "Floods cut off river villages"),
        ("Sport › Football › Cup\nFloods cut off river villages\nThe river burst its banks.",
         "Floods cut off river villages"),
        ("Rain / snow mix expected\n\nForecasters expect a cold week.",
         "Rain / snow mix expected"),
        # page furniture before the headline is skipped like a breadcrumb
        ("Advertisement\nFloods cut off river villages\n\nThe river burst its banks.",
         "Floods cut off river villages"),
        ("March 3, 2024\n\nBy Jane Smith\n\nFloods cut off river villages\n"
         "The river burst its banks.", "Floods cut off river villages"),
    ],
)
def test_standalone_first_line_is_the_title(text, title):
    assert title_of(text) == title


@pytest.mark.parametrize(
    "text",
    [
        "The river burst its banks on Sunday. Villages were cut off.\n\nRain is due again.",
        "The river burst its banks on Sunday.\nVillages were cut off.",
        "Floods cut off river villages",
        "Floods cut off river villages\n\n\n",
        "",
        # a hard-wrapped first paragraph: the first line continues on the next
        "The river burst its banks on Sunday after three days of heavy rain and\n"
        "cut off a dozen villages in the valley, the regional council said.\n\n"
        "Rain is due again.",
        "word " * 40 + "\n\nThe body follows.",
    ],
)
def test_no_title_for_a_first_paragraph(text):
    assert title_of(text) is None


def test_title_tokens_have_title_voice_and_form_one_sentence():
    text = "Rebels hit ‘key site’. Army vows reply\n\nThe army said the strike hurt no one."
    doc = segment(text)
    assert doc.title is not None
    first = doc.sentences[0]
    assert first.is_title
    assert text[first.start : first.end] == "Rebels hit ‘key site’. Army vows reply"
    voices = voices_of(doc, text)
    assert voices["Rebels"] == ["title"]
    assert voices["key"] == ["quoted"]  # a quote in the headline is still a quote
    assert voices["army"] == ["narrator"]
    assert all(not s.is_title for s in doc.sentences[1:])


def test_without_title_no_token_has_title_voice():
    text = "The river burst its banks on Sunday. Villages were cut off.\n\nRain is due again."
    doc = segment(text)
    assert doc.title is None
    assert all(v != "title" for s in doc.sentences for v in s.voices)


# --- paragraphs -------------------------------------------------------------------------------


def test_paragraphs_split_at_blank_lines_and_join_hard_wraps():
    body = ("The committee met on Tuesday to discuss the budget for the coming\n"
            "year and agreed to postpone the vote.\n\n"
            "A second meeting is planned for next week.")
    paras = [body[s:e] for s, e in paragraphs(body)]
    assert paras == [
        "The committee met on Tuesday to discuss the budget for the coming\n"
        "year and agreed to postpone the vote.",
        "A second meeting is planned for next week.",
    ]


def test_paragraphs_leave_out_page_furniture():
    text = ("The committee met on Tuesday.\nShare this article\n\nBy Jane Smith\n"
            "A second meeting is planned for next week.\nAdvertisement\n")
    assert [text[s:e] for s, e in paragraphs(text)] == [
        "The committee met on Tuesday.", "A second meeting is planned for next week."]
    assert [(text[s:e], r) for s, e, r in segment(text).skipped] == [
        ("Share this article", "share prompt"), ("By Jane Smith", "byline"),
        ("Advertisement", "advertisement")]


def test_a_byline_alone_before_the_body_is_no_title():
    text = "By Jane Smith\nThe committee met on Tuesday. It agreed on the budget."
    assert title_of(text) is None
    assert sentence_texts(text) == ["The committee met on Tuesday.", "It agreed on the budget."]


def test_crlf_paragraphs_exclude_line_breaks():
    text = "First paragraph ends here.\r\n\r\nSecond paragraph ends here.\r\n"
    assert [text[s:e] for s, e in paragraphs(text)] == [
        "First paragraph ends here.", "Second paragraph ends here."
    ]
    for sent in segment(text).sentences:
        assert "\r" not in text[sent.start : sent.end]
        assert "r" not in sent.norms  # the \r of CRLF is never a token


# --- quotations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('She said "the dam will hold" and left.', '"the dam will hold"'),
        ("She said “the dam will hold” and left.", "“the dam will hold”"),
        ("She said ‘the dam will hold’ and left.", "‘the dam will hold’"),
        ("She said 'the dam will hold' and left.", "'the dam will hold'"),
        ("Elle a dit «le barrage tiendra» hier.", "«le barrage tiendra»"),
        ("Elle a dit « le barrage tiendra » hier.", "« le barrage tiendra »"),
        ("She said „the dam will hold” and left.", "„the dam will hold”"),
    ],
)
def test_quote_marks(text, quoted):
    assert quote_texts(text) == [quoted]
    doc = segment(text)
    voices = voices_of(doc, text)
    assert voices["dam" if "dam" in voices else "barrage"] == ["quoted"]
    assert voices["left" if "left" in voices else "hier"] == ["narrator"]
    (q,) = doc.quotes
    assert q.closed and q.depth == 0
    assert text[q.inner_start : q.inner_end] == quoted[1:-1]


@pytest.mark.parametrize(
    "text",
    [
        "Israel’s army and Gaza’s health ministry don’t agree on the figures.",
        "The students’ union and the farmers’ market were closed.",
        "The students' union and the farmers' market were closed.",
        "Israel's army and Gaza's ministry don't agree; it's the '90s again.",
        "Fans of the ’80s didn’t mind the rain at the students’ fair.",
        "They beat ’em in the ’90s ’cause the students’ team was stronger.",
        "Rock ’n’ roll fans packed the farmers’ hall.",
    ],
)
def test_apostrophes_are_not_quote_marks(text):
    doc = segment(text)
    assert doc.quotes == []
    assert all(v == "narrator" for s in doc.sentences for v in s.voices)


def test_apostrophes_next_to_real_quotes():
    text = "The students’ leader called Israel’s offer ‘a trap’ and didn’t sign it."
    assert quote_texts(text) == ["‘a trap’"]
    voices = voices_of(segment(text), text)
    assert voices["trap"] == ["quoted"]
    assert voices["Israel’s"] == voices["didn’t"] == voices["sign"] == ["narrator"]


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("She called it ‘Israel’s last trap’ and left.", "Israel’s last trap"),
        ("She called it 'the mayor's own goal' and left.", "the mayor's own goal"),
        ("She said “the students’ union won’t budge” and left.",
         "the students’ union won’t budge"),
    ],
)
def test_apostrophes_inside_quotes_do_not_close_them(text, inner):
    (q,) = segment(text).quotes
    assert text[q.inner_start : q.inner_end] == inner
    voices = voices_of(segment(text), text)
    assert voices["left"] == ["narrator"]


def test_quote_spanning_several_sentences():
    text = ("The mayor spoke at noon. He said: “We lost the bridge. We lost the school. "
            "We will rebuild both.” Then the crowd left.")
    doc = segment(text)
    sentences = [text[s.start : s.end] for s in doc.sentences]
    assert len(sentences) == 5
    (q,) = doc.quotes
    assert text[q.inner_start : q.inner_end] == (
        "We lost the bridge. We lost the school. We will rebuild both.")
    by_sentence = {text[s.start : s.end]: set(s.voices) for s in doc.sentences}
    assert by_sentence["We lost the school."] == {"quoted"}
    assert by_sentence["We will rebuild both.”"] == {"quoted"}
    assert by_sentence["Then the crowd left."] == {"narrator"}
    assert by_sentence["The mayor spoke at noon."] == {"narrator"}


@pytest.mark.parametrize("mark", ['"', "“", "«", "‘"])
def test_unbalanced_quote_closes_at_paragraph_end(mark):
    text = (f"The envoy said {mark}talks will resume soon and nothing more.\n\n"
            "The second paragraph is the newspaper's own account of events.\n\n"
            "A third paragraph follows here.")
    doc = segment(text)
    second = text.index("The second")
    for q in doc.quotes:
        assert q.end <= second, "an open quote swallowed the next paragraph"
    voices = voices_of(doc, text)
    assert voices["second"] == ["narrator"]
    assert voices["third"] == ["narrator"]
    assert voices["envoy"] == ["narrator"]
    if mark != "‘":  # an unclosed single mark may be an apostrophe after all
        (q,) = doc.quotes
        assert not q.closed
        assert voices["resume"] == ["quoted"]


def test_multi_paragraph_quote_convention():
    """Journalists open each quoted paragraph and close only the last one."""
    text = ("“The flood took everything we had.\n\n"
            "“We will not leave this valley,” the farmer said.\n\n"
            "The council has promised aid.")
    doc = segment(text)
    voices = voices_of(doc, text)
    assert voices["flood"] == ["quoted"]
    assert voices["valley"] == ["quoted"]
    assert voices["farmer"] == ["narrator"]
    assert voices["council"] == ["narrator"]


def test_nested_quotes():
    text = "He said, “They called it ‘a great day’ for us.” Then the hall emptied."
    doc = segment(text)
    depths = {text[q.start : q.end]: q.depth for q in doc.quotes}
    assert depths == {"“They called it ‘a great day’ for us.”": 0, "‘a great day’": 1}
    voices = voices_of(doc, text)
    assert voices["great"] == voices["called"] == ["quoted"]
    assert voices["hall"] == ["narrator"]


def test_find_quotes_respects_bounds():
    text = "Outside “one” inside “two” outside."
    start = text.index("inside")
    end = text.index(" outside.")
    quotes = find_quotes(text, start, end)
    assert [text[q.start : q.end] for q in quotes] == ["“two”"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["a", "Title", " ", ".", "\n", "\n", "\u2028"]), max_size=12)
       .map("".join))
def test_lines_split_at_line_feeds_as_at_carriage_returns(text):
    """Text with only line feeds is split without a regular expression; with carriage
    returns (one character, like a line feed) the regular expression finds the same lines."""
    assert list(text_module._lines(text)) == list(text_module._lines(text.replace("\n", "\r")))


def test_several_quotes_in_one_sentence():
    text = '"We will win," the minister said, "and we will rebuild."'
    assert quote_texts(text) == ['"We will win,"', '"and we will rebuild."']
    voices = voices_of(segment(text), text)
    assert voices["minister"] == ["narrator"]
    assert voices["win"] == voices["rebuild"] == ["quoted"]


# --- voice before attribution -------------------------------------------------------------------


def test_segment_alone_never_marks_reported():
    text = "The ministry said that the bridge collapsed. According to police, two died."
    doc = segment(text)
    assert all(v == "narrator" for s in doc.sentences for v in s.voices)


def test_mark_reported_leaves_quoted_and_title_tokens():
    text = "Bridge falls\n\nThe ministry said “the bridge fell” in the night."
    doc = segment(text)
    title, body = doc.sentences
    title.mark_reported(0, len(title))
    body.mark_reported(0, len(body))
    assert set(title.voices) == {"title"}
    voices = dict(zip([text[s:e] for s, e in zip(body.starts, body.ends, strict=True)],
                      body.voices, strict=True))
    assert voices["fell"] == "quoted"
    assert voices["night"] == "reported"


@pytest.mark.parametrize(("a", "b"), [(0, 6), (2, 4), (-3, 99), (4, 2), (5, 5), (3, 6)])
def test_mark_reported_changes_only_narrator_tokens_in_range(a, b):
    voices = ["narrator", "quoted", "narrator", "narrator", "reported", "narrator"]
    sent = Sentence(0, 0, voices=list(voices))
    sent.mark_reported(a, b)
    assert sent.voices == [("reported" if v == "narrator" and max(a, 0) <= k < b else v)
                           for k, v in enumerate(voices)]


# --- invariants on arbitrary text -------------------------------------------------------------

PIECES = ["The", "army", "said", "that", "Israel’s", "don't", "students’", "U.S.", "Mr.", "No.",
          "“", "”", "‘", "’", '"', "'", "«", "»", "„", ",", ".", ":", "!", "?", " ", " ", " ",
          "\n", "\r\n", "\n\n", "café", "😀", "—", "(", ")", "anti-terror", "’90s", "-", "--",
          "_", "3", "\xa0", "–", "―", "…"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_segmentation_invariants(text):
    doc = segment(text)
    previous_end = 0
    for sent in doc.sentences:
        assert 0 <= sent.start <= sent.end <= len(text)
        assert sent.start >= previous_end  # sentences are ordered and disjoint
        previous_end = sent.end
        assert len(sent.voices) == len(sent.starts) == len(sent.ends)
        for s, e in zip(sent.starts, sent.ends, strict=True):
            assert sent.start <= s < e <= sent.end
            assert not text[s:e].isspace()
        assert set(sent.voices) <= set(VOICES)
    for q in doc.quotes:
        assert 0 <= q.start < q.inner_start <= q.inner_end <= q.end <= len(text)
        para = [p for p in [*doc.paragraphs, *([doc.title] if doc.title else [])]
                if p[0] <= q.start and q.end <= p[1]]
        assert para, "a quote crossed a paragraph boundary"
    # every word token of the text is in exactly one sentence, or in a skipped line (page
    # furniture, as the sign-off "--The"); skipped lines are whole lines in no sentence
    covered = [(s, e) for sent in doc.sentences for s, e in zip(sent.starts, sent.ends,
                                                               strict=True)]
    assert covered == sorted(set(covered))
    skipped = [(s, e) for s, e, _ in doc.skipped]
    in_skipped = {(s, e) for s, e in token_spans(text) if any(a <= s < b for a, b in skipped)}
    assert set(covered) == set(token_spans(text)) - in_skipped  # (PIECES make no breadcrumb)
    for a, b, _ in doc.skipped:
        assert text[a:b] == text[a:b].strip() and not ({"\n", "\r"} & set(text[a:b]))
        assert all(b <= sent.start or sent.end <= a for sent in doc.sentences)


# --- fast paths give the reference's answers --------------------------------------------------
# (Punkt's: tests/test_private_copies.py)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_tokens_are_token_re_matches(text):
    for sent in segment(text).sentences:
        found = list(TOKEN_RE.finditer(text, sent.start, sent.end))
        assert sent.starts == [m.start() for m in found]
        assert sent.ends == [m.end() for m in found]
        assert sent.norms == [normalize(m.group()) for m in found]
        assert sent.stems == [text_module._snowball(n) for n in sent.norms]


@settings(max_examples=500)
@given(st.text(st.sampled_from([chr(c) for c in range(128)] + ["-", "'", "a", "Z", " "] * 8),
               max_size=80))
def test_ascii_split_is_the_unicode_split(text):
    """Lowercase ASCII text splits into the same gaps and tokens with the ASCII pattern."""
    low = text.lower()
    assert text_module._ASCII_TOKEN_SPLIT_RE.split(low) == text_module._TOKEN_SPLIT_RE.split(low)


def test_ascii_stand_ins_keep_tokens_and_offsets():
    """Each stand-in replaces one character by one ASCII character, neither of them a word
    character, and a joiner (of ``TOKEN_RE``) only by a joiner: the tokens, their offsets
    and their normal forms stay those of the original text."""
    joiners = "-'’"
    for char, ascii_char in text_module._ASCII_STAND_INS:
        assert len(char) == len(ascii_char) == 1 and ascii_char.isascii()
        assert not re.match(r"\w", char) and not re.match(r"\w", ascii_char)
        assert (char in joiners) == (ascii_char in joiners)
        for text in (f"Word{char}word {char}Ab{char} x{char}{char}y.",
                     f"Café{char}s {char}İx{char}"):
            found = list(TOKEN_RE.finditer(text))
            tokens = [t for s in segment(text).sentences
                      for t in zip(s.starts, s.ends, s.norms, strict=True)]
            assert tokens == [(m.start(), m.end(), normalize(m.group())) for m in found], text


def test_stem_memo_stays_bounded(monkeypatch):
    monkeypatch.setattr(text_module, "_STEM_MEMO_SIZE", 10)
    text_module._STEMS.clear()
    words = [f"walking{k}" for k in range(25)] + ["reportedly", "allegedly"]
    assert [stem(w) for w in words] == [text_module._snowball(w) for w in words]
    assert len(text_module._STEMS) <= 10
    assert stem("reportedly") == "reportedly"


def test_lowercasing_keeps_places_and_word_characters_outside_the_unsafe_set():
    """``lowers_in_place`` relies on this property of Python's Unicode tables: apart from
    İ and Σ, every character lowercases to one character, a word character exactly when it
    is one. A Python upgrade that breaks it fails here, not silently in the tokens."""
    word = re.compile(r"\w")
    for cp in range(0x110000):
        c = chr(cp)
        if c in text_module._LOWER_UNSAFE:
            continue
        low = c.lower()
        assert len(low) == 1, hex(cp)
        assert bool(word.match(low)) == bool(word.match(c)), hex(cp)


@pytest.mark.parametrize("sentence", ["ΟΔΟΣ.Α ΟΔΟΣ", "İstanbul’s İ-x", "Don’t STOP-it 'x'",
                                      "ÀÉÎ ÕÜ ǅ ǈ", "a--b x_y 3,000"])
def test_tokens_of_lowercased_text_equal_lowercased_tokens(sentence):
    doc = segment(sentence)
    norms = [n for s in doc.sentences for n in s.norms]
    assert norms == [normalize(m.group()) for m in TOKEN_RE.finditer(sentence)]
