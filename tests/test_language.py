"""framescore.language: texts that do not look like English are flagged; English, short texts
and headlines are not. The non-English sentences are our own."""

from __future__ import annotations

import pandas as pd
import pytest

from framescore.language import (
    MIN_STOP_SHARE,
    looks_english,
    looks_english_many,
    not_english_warning,
    stop_share,
)

GERMAN = [
    "Die Regierung hat am Dienstag neue Maßnahmen gegen die steigenden Energiepreise "
    "angekündigt.",
    "Nach Angaben der Polizei wurden bei dem Unfall auf der Autobahn drei Menschen schwer "
    "verletzt.",
    "Der Bürgermeister sagte, die Brücke werde erst im nächsten Frühjahr wieder geöffnet.",
    "Was die Kanzlerin so über die Wirtschaft sagte, war in der Sache nicht neu.",
    "Die Marionettenregierung hat die Märtyrer verraten, schrieb die Zeitung.",
]
FRENCH = [
    "Le gouvernement a annoncé mardi de nouvelles mesures contre la hausse des prix.",
    "Selon la police, trois personnes ont été grièvement blessées dans l'accident.",
    "Le conseil municipal a adopté lundi le budget de l'année prochaine. L'opposition a voté "
    "contre et a critiqué les dépenses élevées pour de nouvelles routes.",
]
SPANISH = [
    "El alcalde dijo que el puente no volverá a abrir hasta la próxima primavera.",
    "Fuertes lluvias provocaron inundaciones en el norte del país durante la noche.",
    "La oposición acusó al ministro de haber engañado al Parlamento sobre el coste.",
]
OTHER_SCRIPTS = [
    "Президент заявил во вторник, что переговоры возобновятся на следующей неделе.",
    "قال الرئيس يوم الثلاثاء إن المحادثات ستستأنف الأسبوع المقبل",
    "总统周二表示，谈判将于下周在日内瓦恢复。",
]
ENGLISH = [
    "Officials said on Tuesday that the talks would resume next week in Geneva.",
    "The regime's thugs slammed protesters, officials claimed.",
    # headlines and name-heavy sentences: few or no stop words, and not flagged
    "Riverton police investigate new warehouse fire near harbor district",
    "State Senators Say Flawed Water Program Cost Farmers Millions",
    "Councilor Mara Lind (D-Riverton) said at a Municipal Budget Committee hearing on Tuesday "
    "that the council created the housing shortage.",
    "Café owners in Zürich and São Paulo said the strike had ended.",
    "Le Pen and El Chapo dominated the headlines in Paris and Mexico City this week.",
    "Los Angeles police arrest La Jolla man after long chase",  # names, not function words
    "Le Pen, El Chapo dominate news from Las Vegas to La Paz",
    "The Greek word λόγος means reason, the professor explained to the students.",
]
SHORT = ["Streik legt Bahnverkehr lahm", "Grève massive à Paris", "Huelga general en Madrid",
         "Danke schön", "", "   ", "1234 5678"]


@pytest.mark.parametrize("text", GERMAN + FRENCH + SPANISH + OTHER_SCRIPTS)
def test_other_languages_are_flagged(text):
    assert not looks_english(text)


@pytest.mark.parametrize("text", ENGLISH + SHORT)
def test_english_and_short_texts_are_not(text):
    assert looks_english(text)


def test_the_stop_word_share_separates_the_languages():
    """The measurement behind the threshold: our German/French/Spanish sentences stay below
    MIN_STOP_SHARE, ordinary English prose is well above it. (The German sentence full of
    words English has too, "was", "so", "in", is above it: more German function words than
    English stop words flag it.)"""
    for text in GERMAN + FRENCH + SPANISH:
        if text != GERMAN[3]:
            assert stop_share(text)[0] < MIN_STOP_SHARE, text
    assert stop_share(GERMAN[3])[0] > MIN_STOP_SHARE and not looks_english(GERMAN[3])
    for text in (ENGLISH[0], "It was the first time that the council had met since the "
                 "flood, and its members said they would vote on the plan by the end of May."):
        assert stop_share(text)[0] > MIN_STOP_SHARE + 0.1, text
    assert stop_share("") == (0.0, 0)
    assert stop_share("The cat, the hat.") == (0.5, 4)


def test_a_long_article_is_read_from_its_start():
    english = " ".join(ENGLISH[:2] * 40)
    assert looks_english(english)
    assert not looks_english(" ".join(GERMAN * 10))
    assert looks_english(english + " " + " ".join(GERMAN * 10))  # the first 600 characters


def test_many_and_missing_texts():
    assert looks_english_many([ENGLISH[0], GERMAN[0], None]) == [True, False, True]
    assert looks_english_many(pd.Series([FRENCH[0]])) == [False]


def test_warning_names_the_count():
    assert not_english_warning(2, 120, "records").startswith(
        "2 of 120 records do not look like English")
    assert not_english_warning(1, 1).startswith("the text does not look like English")


def test_no_babe_sentence_is_flagged(shared_dir):
    """On BABE's news sentences (median stop-word share 0.42), nothing is flagged."""
    path = shared_dir / "corpora" / "babe" / "final_labels_SG2.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    babe = pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig")
    texts = babe["text"].astype(str).tolist()
    assert sum(not f for f in looks_english_many(texts)) == 0
    shares = sorted(stop_share(t)[0] for t in texts)
    assert shares[len(shares) // 2] > 0.35
