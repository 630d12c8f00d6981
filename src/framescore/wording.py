"""Neutral wordings fitted to the matched form: a lexicon term's neutral alternative inflected
as the text that matched the term inflects it ("martyrs", of the term "martyr" with the neutral
"person killed" → "people killed"; "slammed", of "slam" with "criticize" → "criticized").

It knows words, not lexicons: :meth:`framescore.lexicon.Lexicon.neutral_for` passes it the
matched text, the term, its neutral wording, and whether the term's category is one of verbs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import TOKEN_RE

#: Irregular plurals of nouns in neutral wordings.
_PLURALS = {"person": "people", "man": "men", "woman": "women", "child": "children",
            "foot": "feet", "tooth": "teeth", "mouse": "mice", "life": "lives",
            "wife": "wives", "knife": "knives", "thief": "thieves", "leaf": "leaves",
            "half": "halves", "crisis": "crises", "analysis": "analyses",
            "criterion": "criteria", "phenomenon": "phenomena", "spokesman": "spokesmen",
            "spokeswoman": "spokeswomen", "chairman": "chairmen", "gunman": "gunmen"}
_SINGULARS = {plural: single for single, plural in _PLURALS.items()}
#: Nouns without a plural (or plural already): left as they are.
_UNCOUNTED = frozenset({
    "people", "police", "media", "news", "staff", "personnel", "equipment", "information",
    "data", "evidence", "violence", "aid", "support", "advice", "progress",
    "research", "legislation", "criticism", "leadership", "unrest",
    # adjectives that stand for groups: "the dead"
    "dead", "poor", "rich", "elderly", "young", "homeless", "missing"})
#: Irregular past forms of verbs in neutral wordings (base → past).
_PAST = {
    "say": "said", "tell": "told", "speak": "spoke", "give": "gave", "take": "took",
    "make": "made", "hold": "held", "leave": "left", "fall": "fell", "rise": "rose",
    "spend": "spent", "fight": "fought", "seek": "sought", "win": "won", "lose": "lost",
    "go": "went", "come": "came", "do": "did", "have": "had", "run": "ran", "put": "put",
    "set": "set", "cut": "cut", "hit": "hit", "let": "let", "meet": "met", "keep": "kept",
    "find": "found", "bring": "brought", "buy": "bought", "think": "thought",
    "begin": "began", "break": "broke", "choose": "chose", "drive": "drove", "get": "got",
    "know": "knew", "lead": "led", "mislead": "misled", "pay": "paid", "send": "sent",
    "stand": "stood", "write": "wrote", "sell": "sold", "build": "built", "feel": "felt",
    "hear": "heard", "mean": "meant", "shoot": "shot", "steal": "stole", "strike": "struck",
    "throw": "threw", "withdraw": "withdrew", "flee": "fled", "deal": "dealt",
    "draw": "drew", "grow": "grew", "hide": "hid", "lay": "laid", "spread": "spread",
    "tear": "tore", "catch": "caught", "teach": "taught", "forbid": "forbade",
    "overcome": "overcame", "undergo": "underwent", "bear": "bore", "beat": "beat",
    "blow": "blew", "shake": "shook", "sink": "sank", "swear": "swore", "sweep": "swept",
    "shut": "shut", "quit": "quit", "cost": "cost", "hurt": "hurt", "upset": "upset",
    "sit": "sat", "see": "saw", "eat": "ate", "wear": "wore", "understand": "understood",
    "sleep": "slept", "feed": "fed", "hang": "hung", "stick": "stuck", "fly": "flew",
    "forget": "forgot", "arise": "arose", "read": "read", "become": "became",
    "bend": "bent", "bind": "bound"}
_BASE_OF_PAST = {past: base for base, past in _PAST.items()}
_THIRD_PERSON = {"have": "has", "be": "is", "do": "does", "go": "goes", "undergo": "undergoes"}
#: Verbs of more than one syllable that double their last consonant ("admitted").
_DOUBLING = frozenset({
    "admit", "commit", "omit", "permit", "submit", "regret", "refer", "prefer", "occur",
    "control", "patrol", "compel", "expel", "propel", "rebel", "deter", "transfer", "equip",
    "abet", "outwit", "acquit", "befit", "forget", "begin", "confer", "incur", "recur"})
#: Words after which a noun's head has ended ("increase in migrants", "person killed").
_AFTER_HEAD = frozenset({
    "of", "in", "on", "for", "to", "with", "from", "at", "by", "about", "against", "who",
    "that", "which", "whose", "and", "or", "than", "under", "over", "into"})
#: Second words that make a neutral wording a verb phrase ("carry out", "fall sharply").
_PARTICLES = frozenset({"out", "up", "down", "off", "away", "back"})
#: Endings of nouns and adjectives that are no verbs ("investigation", "dangerous").
_NOT_VERB_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ism", "ist",
                     "ship", "hood", "ous", "ful", "less", "able", "ible", "est", "ical")
#: Endings of adjectives and participles, which have no plural ("dangerous", "wealthiest",
#: "wounded").
_ADJECTIVE_ENDINGS = ("ous", "ful", "less", "able", "ible", "est", "ical", "ed")
_POSSESSIVE_RE = re.compile(r"['’]s\Z")


def _doubles(word: str) -> bool:
    """A verb that doubles its last consonant before -ed and -ing ("slam" → "slammed")."""
    return word in _DOUBLING or re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", word) is not None


def _add_s(word: str) -> str:
    """The regular -s form, of a verb ("carries") or a noun ("boxes")."""
    if re.search(r"[^aeiou]y\Z", word):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _third_person(verb: str) -> str:
    return _THIRD_PERSON.get(verb) or _add_s(verb)


def _past(verb: str) -> str:
    if verb in _PAST:
        return _PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y\Z", verb):
        return verb[:-1] + "ied"
    return verb + verb[-1] + "ed" if _doubles(verb) else verb + "ed"


def _gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and verb != "be":
        return verb[:-1] + "ing"
    return verb + verb[-1] + "ing" if _doubles(verb) else verb + "ing"


def _plural(noun: str) -> str:
    if noun in _PLURALS:
        return _PLURALS[noun]
    if noun in _UNCOUNTED or noun in _SINGULARS or (
            noun.endswith("s") and not noun.endswith(("ss", "us", "is"))):
        return noun  # plural already, or without one
    return _add_s(noun)


def _singular(noun: str) -> str:
    if noun in _SINGULARS:
        return _SINGULARS[noun]
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("sses", "xes", "zes", "ches", "shes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def _form(word: str, base: str) -> str | None:
    """How the matched ``word`` inflects the lexicon's ``base`` word: "" (not at all),
    "s" (plural or third person), "sg" (singular of a plural term), "ed", "ing", or None
    (some other way)."""
    if word == base:
        return ""
    if word.endswith("ing") and not base.endswith("ing"):
        return "ing"
    if word.endswith("ed") and not base.endswith("ed"):
        return "ed"
    if word.endswith("s") and not base.endswith("s"):
        return "s"
    if base.endswith("s") and not word.endswith("s"):
        return "sg"
    return None


def _verb_form(verb: str, form: str) -> str | None:
    """``verb`` (a base form, or an irregular past: "said") in ``form``; None when its base
    form is not known (a regular past: "criticized", a gerund)."""
    if verb in _BASE_OF_PAST and verb not in _PAST:
        base = _BASE_OF_PAST[verb]
    elif verb in _PAST or not (verb.endswith("ing")
                               or (verb.endswith("ed") and not verb.endswith("eed"))):
        base = verb
    else:
        return None
    return {"s": _third_person(base), "ed": _past(base), "ing": _gerund(base)}.get(form)


@lru_cache(maxsize=100_000)
def fit_neutral(matched: str, term: str, neutral: str, verb: bool) -> str:
    """The ``neutral`` wording of a lexicon ``term`` inflected as ``matched`` (the text the
    term matched) inflects the term: "martyrs" (term "martyr", neutral "person killed") →
    "people killed"; "slams" (term "slam", neutral "criticize") → "criticizes"; "insisted"
    (neutral "said") → "said"; "Regime's" (neutral "government") → "government's". ``verb``:
    the term's category is one of verbs (its neutral wording is then a verb phrase, as it is
    when its first word is an irregular past or its second a particle or an -ly adverb). A
    noun phrase changes its head (the word before "of", "in", ... or a participle after it:
    "increases in migrants", "people killed"), a verb phrase its first word; proper names and
    wordings it cannot inflect with confidence are left as they are."""
    if not neutral:
        return neutral
    words = [w.lower() for w in TOKEN_RE.findall(matched)]
    terms = TOKEN_RE.findall(term)
    if len(words) != len(terms) or not words:
        return neutral
    possessive = ""
    last = _POSSESSIVE_RE.sub("", words[-1])
    if last != words[-1] and not _POSSESSIVE_RE.search(terms[-1]):
        possessive, words[-1] = words[-1][len(last):], last
    forms = {_form(w, t) for w, t in zip(words, terms, strict=True)} - {""}
    fitted = neutral
    if len(forms) == 1 and None not in forms:
        fitted = _inflect(neutral, forms.pop(), verb) or neutral
    return fitted + possessive


def _inflect(neutral: str, form: str, verb: bool) -> str | None:
    """``neutral`` in ``form`` (see :func:`_form`), or None when it cannot be done with
    confidence; ``verb`` as in :func:`fit_neutral`."""
    parts = neutral.split(" ")
    second = parts[1].lower() if len(parts) > 1 else ""
    first = parts[0]
    verb_phrase = (verb or first.lower() in _BASE_OF_PAST
                   or second.endswith("ly") or second in _PARTICLES)
    if form in ("ed", "ing") or (form == "s" and verb_phrase):
        if form == "ed" and not verb_phrase and len(parts) == 2 and second.endswith("ed"):
            return parts[1]  # "martyred" → "killed", of "person killed"
        if (second == "not" and form == "ing") or not first.islower() or not (
                verb_phrase or (len(parts) == 1 and not first.endswith(_NOT_VERB_ENDINGS))):
            return None
        verb = _verb_form(first, form)
        return None if verb is None else " ".join([verb, *parts[1:]])
    # a noun phrase: its head is the last word before a preposition, a relative pronoun, or
    # a participle after the first word ("person killed")
    end = len(parts)
    for k, word in enumerate(parts):
        if word.lower() in _AFTER_HEAD or (k and word.endswith("ed")):
            end = k
            break
    if end == 0:
        return None
    head = parts[end - 1]
    if not head.islower() or not head.isalpha() or head.endswith(_ADJECTIVE_ENDINGS):
        return None  # a name ("Israel"), an adjective, or a hyphenated or odd word
    new = _plural(head) if form == "s" else _singular(head)
    return " ".join([*parts[:end - 1], new, *parts[end:]])
