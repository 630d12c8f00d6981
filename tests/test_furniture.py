"""Article assembly: page furniture and a repeated headline are left out of the score.

Navigation, advertisement breaks, share and subscribe prompts, bylines, datelines, image
credits, reading times, copyright notices and comment forms standing alone on a line make no
sentence (an article's feature row is the mean of its sentence rows, so they would dilute its
evidence); :attr:`Document.skipped` lists them, and explanations show them. All texts here are
invented for the tests.
"""

from __future__ import annotations

import re
import timeit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import framescore
from framescore import furniture as furniture_module
from framescore.explain import explain
from framescore.furniture import FURNITURE_MAX_CHARS, furniture
from framescore.render import render_html, render_text
from framescore.text import TOKEN_RE, segment

FURNITURE = [
    # navigation
    ("Read more", "navigation"),
    ("READ MORE »", "navigation"),
    ("Read more: Ferry service to the islands resumes", "navigation"),
    ("Most Read in Business", "navigation"),
    ("Most popular", "navigation"),
    ("Top Stories", "navigation"),
    ("Top Europe headlines", "navigation"),
    ("Related articles", "navigation"),
    ("Related: Harbour strike enters its second week", "navigation"),
    ("More on this story", "navigation"),
    ("You may also like", "navigation"),
    ("You might have missed", "navigation"),
    ("Next article", "navigation"),
    ("Tags: harbour, strike, ferries", "navigation"),
    ("Home › Business › Shipping", "navigation"),
    ("Live updates", "navigation"),
    ("Back to top", "navigation"),
    ("» Read more", "navigation"),
    # advertisement breaks
    ("Advertisement", "advertisement"),
    ("ADVERTISEMENT", "advertisement"),
    ("Sponsored content", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
    ("Advertisement - Scroll to continue", "advertisement"),
    # share and subscribe prompts
    ("Share this article", "share prompt"),
    ("SHARE THIS STORY", "share prompt"),
    ("• Share this article", "share prompt"),
    ("Share on WhatsApp", "share prompt"),
    ("Facebook Twitter LinkedIn Email", "share prompt"),
    ("Follow us on Twitter", "share prompt"),
    ("Follow us on Instagram and Telegram", "share prompt"),
    ("Sign up for our newsletter", "share prompt"),
    ("Sign up to our free weekly harbour newsletter", "share prompt"),
    ("Subscribe", "share prompt"),
    ("Subscribe now!", "share prompt"),
    ("Subscribe to our Telegram channel", "share prompt"),
    ("Join our WhatsApp channel", "share prompt"),
    ("You can unsubscribe at any time.", "share prompt"),
    # bylines
    ("By Jane Smith", "byline"),
    ("By Jane Smith and Ahmed Ali, Reuters", "byline"),
    ("BY MARTA KOWALCZYK", "byline"),
    ("By Pieter van der Berg in Rotterdam", "byline"),
    ("By: Lena Okafor", "byline"),
    ("Reporting by Lena Okafor; Editing by Tomas Berg", "byline"),
    ("— Lena Okafor", "byline"),
    ("-- Lena Okafor, Example Wire", "byline"),
    # datelines
    ("March 3, 2024", "dateline"),
    ("3 March 2024", "dateline"),
    ("29 August, 2024", "dateline"),
    ("Tuesday 5 November 2024 14:20 GMT", "dateline"),
    ("Updated 10:42 AM EST", "dateline"),
    ("Published: 2 hours ago", "dateline"),
    ("An hour ago", "dateline"),
    ("a day ago", "dateline"),
    ("Published March 3, 2024 | Updated March 4, 2024 at 9:15 a.m.", "dateline"),
    ("Last updated on 2024-03-04", "dateline"),
    ("Posted: 12/03/2024", "dateline"),
    # image credits
    ("Photo: AP", "image credit"),
    ("Image credit: Getty Images", "image credit"),
    ("(Reuters/John Doe)", "image credit"),
    ("(AP Photo/Jane Doe)", "image credit"),
    ("File photo", "image credit"),
    ("Photo by Lena Okafor/Example Wire", "image credit"),
    ("AFP via Getty Images", "image credit"),
    ("Tomas Berg/AFP", "image credit"),
    ("Credit: Example Wire", "image credit"),
    # reading time
    ("2 min read", "reading time"),
    ("5 minute read", "reading time"),
    ("Reading time: 4 minutes", "reading time"),
    ("Listen to this article", "reading time"),
    # copyright
    ("© 2024 Example Wire. All rights reserved.", "copyright"),
    ("Copyright 2024 The Harbour Gazette", "copyright"),
    ("All rights reserved.", "copyright"),
    ("This material may not be published, broadcast, rewritten or redistributed.", "copyright"),
    ("Reprinted with permission from The Harbour Gazette.", "copyright"),
    # comment forms, links, lines without words
    ("Leave a comment", "comment form"),
    ("Comments (14)", "comment form"),
    ("https://example.org/harbour-strike", "link"),
    ("www.example.org", "link"),
    ("* * *", "no words"),
    ("———", "no words"),
]

LOOKALIKES = [
    "By the time the troops arrived, the harbour was empty.",
    "By Monday, the dockers had voted to strike.",
    "Photo evidence showed the crane had collapsed.",
    "Photos of the flooded quay circulated online.",
    "Subscribers complained that the ferry timetable was wrong.",
    "Share prices fell sharply after the announcement.",
    "Related talks will resume in March.",
    "Top officials met the union on Sunday.",
    "Most of the passengers were stranded overnight.",
    "More than 40 ferries were cancelled.",
    "Read the statement in full, the union said.",
    "Follow the money, the auditor told reporters.",
    "Advertisement revenue at the port fell by half.",
    "Comments by the minister angered the dockers.",
    "Copyright law does not cover the timetable.",
    "The strike began on March 3, 2024, the union said.",
    "Live fire was never used, the police said.",
    "He signed up for the navy in 2019.",
    "Reuters could not independently verify the account.",
    "Credit agencies downgraded the port operator.",
    "Latest figures show a fall in traffic.",
    "Home owners near the quay were evacuated.",
    "Email records show the warning was ignored.",
    "Sign language interpreters joined the briefing.",
    "Two minutes later, the crane fell.",
    "“We will not stop,” the union said.",
    "- The harbour stays closed until Friday.",
    "— and then the crane fell.",
    "This question is for the minister, the union said.",
    "You could see the smoke from the quay.",
    "A crane fell an hour ago, witnesses said.",
    "All the dockers stayed away.",
]

ARTICLE = (
    "Dockers strike shuts harbour for a second day\n"
    "\n"
    "Dockers at the northern harbour stayed away for a second day on Tuesday, the port "
    "authority said.\n"
    "\n"
    "The union slammed what it called a brutal wage freeze and said the strike would go on.\n"
    "\n"
    "Officials said the union's claim of full support could not be independently verified.\n"
)


def reasons(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], r) for s, e, r in segment(text).skipped]


def sentence_texts(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment(text).sentences]


def _regex_only(line: str) -> str | None:
    """The furniture pattern itself, without furniture()'s first-word shortcut."""
    if len(line) > FURNITURE_MAX_CHARS:
        return None
    m = furniture_module._FURNITURE_RE.fullmatch(line)
    return None if m is None else furniture_module._FURNITURE_REASONS[m.lastgroup]


# --- the line classifier --------------------------------------------------------------------


@pytest.mark.parametrize(("line", "reason"), FURNITURE)
def test_each_kind_of_furniture_is_recognised(line, reason):
    assert furniture(line) == reason


@pytest.mark.parametrize("line", LOOKALIKES)
def test_sentences_that_look_like_furniture_are_kept(line):
    assert furniture(line) is None
    page = f"Harbour strike enters second day\n\n{line}\n\nThe union met again on Wednesday."
    assert line in sentence_texts(page)
    assert reasons(page) == []


@pytest.mark.parametrize("line", [line for line, _ in FURNITURE] + LOOKALIKES)
def test_the_first_word_shortcut_gives_the_pattern_s_answer(line):
    expected = _regex_only(line)
    got = furniture(line)
    if expected is None:
        assert got in (None, "navigation", "no words")  # a breadcrumb, a separator
    else:
        assert got == expected


def test_furniture_counts_words_as_the_tokenizer_does():
    """framescore.furniture imports no other framescore module, so it has its own copy of
    the token pattern for the words of a breadcrumb's parts: the same pattern."""
    assert furniture_module._WORD_RE.pattern == TOKEN_RE.pattern
    assert furniture_module._WORD_RE.flags == TOKEN_RE.flags


def test_long_lines_are_never_furniture():
    line = "Advertisement " * 20
    assert len(line.strip()) > FURNITURE_MAX_CHARS
    assert furniture(line.strip()) is None


@pytest.mark.parametrize("line", [
    "1 " * 60, "By " + "A, " * 39, "By " + "Aa " * 39, "Photo: " + "a " * 56,
    "March 3, " * 13, "1:1" * 40, "Published " * 12, "(" + "a " * 59, "Jane " * 23 + "/AFP",
    "Follow " + "x " * 56, "More in " + "ab " * 37, "Facebook " * 13,
])
def test_the_pattern_takes_little_time_on_any_short_line(line):
    line = line.strip()[:FURNITURE_MAX_CHARS]
    # the best of 3 rounds: a busy machine may stall one round, backtracking slows all of them
    per_call = min(timeit.repeat(lambda: furniture(line), number=20, repeat=3)) / 20
    assert per_call < 0.005


# --- segmentation -----------------------------------------------------------------------------


def test_furniture_lines_make_no_sentence_and_are_listed_in_order():
    page = (
        "World › Europe › Ports\n"
        "Dockers strike shuts harbour for a second day\n"
        "By Lena Okafor and Tomas Berg, Example Wire\n"
        "Updated 10:42 AM EST\n"
        "4 min read\n"
        "\n"
        "Dockers at the northern harbour stayed away on Tuesday, the port authority said.\n"
        "Photo: Example Wire\n"
        "Share this article\n"
        "The union said the strike would go on.\n"
        "Advertisement\n"
        "\n"
        "Top Stories\n"
        "© 2024 Example Wire. All rights reserved.\n"
    )
    doc = segment(page)
    assert doc.title is not None
    assert page[doc.title[0]:doc.title[1]] == "Dockers strike shuts harbour for a second day"
    assert reasons(page) == [
        ("World › Europe › Ports", "navigation"),
        ("By Lena Okafor and Tomas Berg, Example Wire", "byline"),
        ("Updated 10:42 AM EST", "dateline"),
        ("4 min read", "reading time"),
        ("Photo: Example Wire", "image credit"),
        ("Share this article", "share prompt"),
        ("Advertisement", "advertisement"),
        ("Top Stories", "navigation"),
        ("© 2024 Example Wire. All rights reserved.", "copyright"),
    ]
    assert sentence_texts(page) == [
        "Dockers strike shuts harbour for a second day",
        "Dockers at the northern harbour stayed away on Tuesday, the port authority said.",
        "The union said the strike would go on.",
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_offsets_of_skipped_lines_are_exact(newline):
    lines = ["Harbour strike enters second day", "", "  By Jane Smith  ", "\t2 min read",
             "", "The dockers met at dawn.", "Follow us on Twitter ", "", "Advertisement"]
    page = newline.join(lines)
    skipped = segment(page).skipped
    assert [page[s:e] for s, e, _ in skipped] == [
        "By Jane Smith", "2 min read", "Follow us on Twitter", "Advertisement"]
    starts = [s for s, _, _ in skipped]
    assert starts == sorted(starts)
    for s, e, _ in skipped:
        assert page[s:e] == page[s:e].strip() and "\n" not in page[s:e]


def test_a_dateline_that_ends_a_hard_wrapped_paragraph_is_kept():
    page = ("Ferry talks resume\n\n"
            "The port authority and the dockers' union agreed to meet again on\n"
            "March 3, 2024.\n")
    assert reasons(page) == []
    assert sentence_texts(page)[1].endswith("again on\nMarch 3, 2024.")


def test_a_text_of_one_line_is_never_furniture():
    for line in ("Advertisement", "By Jane Smith", "Share this article"):
        assert len(segment(line).sentences) == 1
        assert segment(line).skipped == []


def test_furniture_before_the_headline_does_not_take_its_place():
    page = ("Advertisement\nMarch 3, 2024\n\nDockers strike shuts harbour\n\n"
            "The dockers stayed away on Tuesday.")
    doc = segment(page)
    assert page[doc.title[0]:doc.title[1]] == "Dockers strike shuts harbour"
    assert reasons(page) == [("Advertisement", "advertisement"), ("March 3, 2024", "dateline")]
    assert sentence_texts(page) == ["Dockers strike shuts harbour",
                                    "The dockers stayed away on Tuesday."]


def test_a_page_of_furniture_and_no_article_has_no_sentences():
    page = "Top Stories\nAdvertisement\nShare this article\n"
    assert segment(page).sentences == []
    assert [r for _, r in reasons(page)] == ["navigation", "advertisement", "share prompt"]


# --- the repeated headline --------------------------------------------------------------------


def test_a_headline_repeated_as_the_first_body_line_counts_once():
    headline = "Dockers strike shuts harbour for a second day and ferries are cancelled"
    body = "The dockers stayed away on Tuesday, the port authority said."
    page = f"{headline}\n\n{headline}\n{body}\n"
    doc = segment(page)
    assert page[doc.title[0]:doc.title[1]] == headline
    start = page.index(headline, 1)
    assert doc.skipped == [(start, start + len(headline), "repeated headline")]
    assert sentence_texts(page) == [headline, body]
    assert sum(1 for s in doc.sentences if s.is_title) == 1


def test_the_repeat_may_differ_in_case_and_spacing_and_follow_furniture():
    page = ("Dockers strike shuts harbour\n\nBy Jane Smith\n"
            "DOCKERS  STRIKE shuts harbour\n\nThe dockers stayed away.")
    assert reasons(page) == [("By Jane Smith", "byline"),
                             ("DOCKERS  STRIKE shuts harbour", "repeated headline")]


def test_a_headline_repeated_twice_is_skipped_once():
    page = "Harbour reopens\n\nHarbour reopens\n\nHarbour reopens\n\nShips came in."
    assert [r for _, r in reasons(page)] == ["repeated headline"]
    assert sentence_texts(page) == ["Harbour reopens", "Harbour reopens", "Ships came in."]


def test_only_the_first_body_line_can_repeat_the_headline():
    page = ("Dockers strike shuts harbour\n\nThe dockers stayed away.\n\n"
            "Dockers strike shuts harbour\n\nThe port stayed closed.")
    assert reasons(page) == []
    assert sentence_texts(page).count("Dockers strike shuts harbour") == 2


def test_without_a_title_nothing_is_a_repeated_headline():
    page = "The dockers stayed away.\nThe dockers stayed away.\n"
    assert reasons(page) == []


# --- any text ---------------------------------------------------------------------------------

_PIECES = [line for line, _ in FURNITURE[::4]] + LOOKALIKES[::4] + [
    "", " ", "\n", "\r\n", "\n\n", "Harbour strike", "“", "”", "word " * 15,
]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("\n".join))
def test_skipped_lines_are_whole_lines_outside_every_sentence(page):
    doc = segment(page)
    previous = -1
    for s, e, reason in doc.skipped:
        assert previous < s < e <= len(page)
        previous = e
        line = page[s:e]
        assert line == line.strip() and not re.search(r"[\r\n]", line)
        assert reason == "repeated headline" or furniture(line) == reason
        for sent in doc.sentences:
            assert e <= sent.start or sent.end <= s
        for ps, pe in doc.paragraphs:
            assert e <= ps or pe <= s


# --- explanations and scores ------------------------------------------------------------------

FIVE_LINES = ["By Lena Okafor, Example Wire", "Updated 9:15 AM EST", "Share this article",
              "Advertisement", "Most Read in World"]


def with_furniture(article: str) -> str:
    head, body = article.split("\n\n", 1)
    paragraphs = body.split("\n\n")
    return "\n".join([
        head, FIVE_LINES[0], FIVE_LINES[1], "", paragraphs[0], FIVE_LINES[2], "",
        paragraphs[1], FIVE_LINES[3], "", *paragraphs[2:], "", FIVE_LINES[4], ""])


@pytest.fixture(scope="module")
def model(default_model_dir):
    return framescore.load(default_model_dir)


def test_five_furniture_lines_barely_move_the_score(model):
    a, b = ARTICLE, with_furniture(ARTICLE)
    assert [r for _, r in reasons(b)] == ["byline", "dateline", "share prompt",
                                          "advertisement", "navigation"]
    score = model.score([a, b])["score"]
    assert abs(score.iloc[0] - score.iloc[1]) < 0.02


def test_a_repeated_headline_does_not_change_the_score(model):
    head, body = ARTICLE.split("\n\n", 1)
    repeated = f"{head}\n\n{head}\n{body}"
    score = model.score([ARTICLE, repeated])["score"]
    assert score.iloc[0] == pytest.approx(score.iloc[1], abs=1e-12)


def test_explanations_list_the_skipped_lines(model):
    page = with_furniture(ARTICLE)
    expl = explain(model, page, counterfactuals=False)
    skipped = expl.to_dict()["skipped"]
    assert [(d["text"], d["reason"]) for d in skipped] == reasons(page)
    for d in skipped:
        assert page[d["start"]:d["end"]] == d["text"]
        for s in expl.sentences:
            assert d["end"] <= s["start"] or s["end"] <= d["start"]
    text = render_text(expl)
    assert "Skipped (not scored):" in text
    assert "share prompt" in text and "Most Read in World" in text
    page_html = render_html(expl)
    assert "Skipped (not scored)" in page_html and "id='skipped'" in page_html
    assert "Most Read in World" in page_html


def test_an_explanation_without_furniture_has_no_skipped_section(model):
    expl = explain(model, ARTICLE, counterfactuals=False)
    assert expl.to_dict()["skipped"] == []
    assert "Skipped" not in render_text(expl)
    assert "Skipped" not in render_html(expl)
