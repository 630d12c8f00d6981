"""Page furniture: the lines of a web page that are not part of the article.

Navigation (breadcrumbs, "Read more", "Related stories", ...), advertisement breaks, share
and subscribe prompts, bylines, datelines, image credits, reading times ("2 min read"),
copyright notices, comment forms, bare links, and separators without a word; and a headline
repeated as the first line of the body. :mod:`framescore.text` leaves such lines out of
every paragraph and sentence (``Document.skipped``).

A line is furniture only when it stands alone (it starts a paragraph), is short (at most
:data:`FURNITURE_MAX_CHARS`) and one pattern below matches the whole of it, so a sentence
that merely starts like one ("By the time ...", "Photo evidence showed ...", "Subscribers
complained ...") is never dropped.

Imports no other framescore module.
"""

from __future__ import annotations

import re

#: The words of a line, as :data:`framescore.text.TOKEN_RE` finds them (the same pattern:
#: tests hold the two equal), for the word counts of a breadcrumb's parts.
_WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)

#: The longest line that is checked for page furniture.
FURNITURE_MAX_CHARS = 120

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
            r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?"
         rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?(?:\s+\d{{4}})?|{_MONTH},?\s+\d{{4}}"
         r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})")
_TIME = (r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"
         r"(?:\s*\(?(?:(?:gmt|utc)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|[a-z]{2,4}t)\)?)?")
_AGO = (r"(?:(?:\d{1,3}|an?|one)\s+(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?"
        r"|months?|years?)\s+ago|just\s+now|yesterday|today)")
_STAMP = (rf"(?:{_DATE}(?:\s*(?:,|at|[-–—|·•])?\s*{_TIME})?"
          rf"|{_TIME}(?:\s*(?:,|on|[-–—|·•])?\s*{_DATE})?|{_AGO})")
_STAMP_LABEL = (r"(?:(?:last\s+|first\s+|originally\s+)?(?:published|updated|posted|modified"
                r"|edited|created)(?:\s+(?:on|at))?|date|fecha(?:\s+de\s+publicaci[oó]n)?)")
_DATELINE = (rf"(?:{_STAMP_LABEL}\s*:?\s*)?{_STAMP}"
             rf"(?:\s*[|·•,;–—-]?\s*(?:{_STAMP_LABEL}\s*:?\s*)?{_STAMP})*"
             rf"|{_STAMP_LABEL}\s*:")

# names: capitalized words (matched case-sensitively), with the usual lowercase particles
_NAME = (r"(?-i:[A-Z][\w'’.-]*+(?:\s+(?:(?:al|el|bin|ibn|de|da|del|der|di|dos|du|la|le|van"
         r"|von)\s+){0,2}[A-Z][\w'’.-]*+){0,3})")
_NAMES = rf"{_NAME}(?:\s*(?:,|(?-i:and)|&)\s*{_NAME}){{0,4}}"
_AFFILIATION = r"(?-i:(?:in\s+|for\s+|at\s+)?[A-Z][\w'’.&-]*(?:\s+[\w'’.&-]+){0,5})"
_CREDIT_ROLE = (r"(?:(?:additional\s+)?reporting|writing|editing|compiled|research|translation"
                r"|translated|produced|graphics|photos?|video)")
_BYLINE = (rf"(?:(?:written|words|story|text|report|analysis)\s+)?by\s*:?\s+{_NAMES}"
           rf"(?:\s*[,|/–—-]\s*{_AFFILIATION}|\s+(?:in|for)\s+{_NAME})?"
           rf"|{_CREDIT_ROLE}\s+by\s+{_NAMES}(?:\s+in\s+{_NAMES})?"
           rf"(?:\s*[;,]\s*(?:and\s+)?{_CREDIT_ROLE}\s+by\s+{_NAMES}(?:\s+in\s+{_NAMES})?)*"
           rf"|(?:[–—]+|--)\s*{_NAMES}(?:\s*,\s*{_AFFILIATION})?")  # a sign-off: "— Jane Smith"

_AGENCY = (r"(?:ap|afp|reuters|epa(?:-efe)?|getty\s+images|getty|xinhua|anadolu(?:\s+agency)?"
           r"|dpa|efe|ansa|upi|pti|ani|ians|tass|sputnik|ria\s+novosti|wana|irna|tasnim|mehr"
           r"|shutterstock|alamy|handout|pool)")
_IMAGE = (r"(?:(?:file|main|top|lead|header|featured|cover|stock|representative|representational)"
          r"\s+)?(?:photo(?:graph)?s?|images?|pictures?|pics?|video|graphic|illustration"
          r"|imagen(?:\s+principal)?|foto)")
_CREDIT_WORD = r"[\w'’&@.-]++"
_CREDIT = rf"{_CREDIT_WORD}(?:(?:\s*[,/|]\s*|\s+){_CREDIT_WORD}){{0,7}}"
_IMAGE_CREDIT = (rf"{_IMAGE}(?:\s+credits?)?\s*(?::|©|\|)\s*{_CREDIT}"
                 rf"|{_IMAGE}\s+(?:by|courtesy(?:\s+of)?|via)\s+{_NAMES}"
                 rf"(?:\s*[/,|]\s*{_CREDIT})?"
                 rf"|(?:{_IMAGE}\s+)?credits?\s*:\s*{_CREDIT}"
                 rf"|{_IMAGE}\s*:?"
                 rf"|\(\s*(?:(?:{_IMAGE}|credits?)\s*:\s*{_CREDIT}"
                 rf"|(?:{_CREDIT_WORD}\s+){{0,3}}{_CREDIT_WORD}\s*/\s*{_CREDIT})\s*\)"
                 rf"|(?:{_NAMES}\s*/\s*)?{_AGENCY}(?:\s+photo)?(?:\s*/\s*{_NAMES})?"
                 rf"|(?:{_NAMES}\s+)?via\s+{_AGENCY}")

_READING_TIME = (r"(?:about\s+)?\d{1,3}(?:\s*[-–]\s*\d{1,3})?\s*-?\s*min(?:ute)?s?\.?\s+"
                 r"(?:read|listen)(?:ing)?(?:\s+time)?"
                 r"|(?:estimated\s+)?(?:reading|read|listening)\s+time\s*:?\s*(?:about\s+)?"
                 r"\d{1,3}\s*min(?:ute)?s?\.?"
                 r"|listen\s+to\s+(?:this\s+)?(?:article|story)(?:\s*\(?\d{1,3}\s*min(?:ute)?s?"
                 r"\.?\)?)?")

_COPYRIGHT = (r"(?:copyright\s*)?(?:©|\(c\)\s*\d{4})[^!?]{0,100}"
              r"|copyright\s+(?:©\s*)?\d{4}[^!?]{0,100}"
              r"|all\s+rights\s+reserved"
              r"|this\s+material\s+may\s+not\s+be\s+published,\s+broadcast,\s+rewritten,?\s+or"
              r"\s+redistributed(?:\s+in\s+whole\s+or\s+in\s+part)?(?:\s+without\s+permission)?"
              r"|(?:article\s+)?(?:posted|reprinted|republished|reproduced|used)\s+with\s+"
              r"permission(?:\s+(?:from|of)\s+[^!?]{1,60})?")

_SOCIAL = (r"(?:facebook|twitter|x|whatsapp|telegram|linkedin|reddit|e-?mail|pinterest"
           r"|messenger|flipboard|threads|bluesky|instagram|tiktok|youtube|google\s+news"
           r"|print|copy\s+link|copy\s+url|sms)")
_SOCIALS = rf"{_SOCIAL}(?:\s*(?:,|/|\||·|•|or|and)?\s*{_SOCIAL})*"
_NEWSLETTER = (r"(?:newsletters?|channel|podcast|updates|alerts|mailing\s+list|feed|digest"
               r"|briefing|emails?|edition)")
_SHARE = (rf"share(?:\s+(?:this|the))?(?:\s+(?:article|story|post|page|video))?"
          rf"(?:\s+(?:on|via)\s+{_SOCIALS})?"
          rf"|{_SOCIALS}"
          r"|(?:tweet|email|print|save|bookmark)(?:\s+this(?:\s+(?:article|story|page))?)?"
          rf"|follow\s+(?:us|@\w+|[^.!?]{{1,40}}?\s+on\s+{_SOCIALS})(?:\s+on\s+{_SOCIALS})?"
          r"(?:\s+for\s+(?:the\s+)?(?:latest|more)[^.!?]{0,40})?"
          r"|(?:sign\s+up|subscribe|register)(?:\s+(?:now|today|here|free))?"
          rf"(?:\s+(?:for|to)\s+(?:our|the|my)\b[^.!?]{{0,40}}?\b{_NEWSLETTER}"
          r"(?:\s+(?:now|today|here))?)?"
          rf"|join\s+(?:us|our\s+[^.!?]{{0,30}}?\b(?:{_NEWSLETTER}|group|community))"
          rf"(?:\s+on\s+{_SOCIALS})?"
          rf"|(?:get|receive)\s+(?:our|the)\s+[^.!?]{{0,30}}?\b{_NEWSLETTER}"
          rf"(?:\s+(?:in|to)\s+your\s+inbox)?"
          r"|you\s+(?:may|can)\s+(?:opt\s+out|unsubscribe)(?:\s+at\s+any\s*time)?")

_ADVERTISEMENT = (r"(?:advertisement|advertising|advert|ads?|sponsored(?:\s+(?:content|links?"
                  r"|stories))?|paid\s+(?:content|post|partner(?:ship)?)|promoted(?:\s+"
                  r"(?:content|stories))?)(?:\s*[-–—:|]\s*(?:scroll|continue)[^.!?]{0,40})?"
                  r"|(?:take\s+our\s+(?:poll|survey|quiz)\s*[-–—:|]\s*)?"
                  r"(?:story|article|content)\s+continues\s+(?:below|after)"
                  r"(?:\s+(?:this\s+|the\s+)?(?:advertisement|ad|video))?"
                  r"|continue\s+reading(?:\s+(?:below|the\s+main\s+story))?"
                  r"|scroll\s+(?:down\s+)?to\s+continue[^.!?]{0,30}")

_COMMENTS = (r"(?:add|leave|post|write|view|show|hide|load|read)\s+(?:a\s+|new\s+|your\s+"
             r"|all\s+)?comments?(?:\s*\(\d+\))?"
             r"|comments?(?:\s*\(\d+\))?|\d+\s+comments?"
             r"|join\s+the\s+(?:conversation|discussion|debate)"
             r"|this\s+question\s+is\s+for\s+testing\s+whether\s+or\s+not\s+you\s+are\s+a\s+"
             r"human\s+visitor\s+and\s+to\s+prevent\s+automated\s+spam\s+submissions"
             r"|enter\s+the\s+characters\s+shown\s+in\s+the\s+image")

_NAVIGATION = (r"(?:read|see|view|watch|load|show)\s+(?:more|also|all|next|full\s+(?:story"
               r"|article|coverage))(?:\s+(?:stories|articles|news|videos|on\s+this"
               r"(?:\s+(?:story|topic))?))?(?:\s*:\s*[^\n]{0,110})?"
               r"|also\s+read(?:\s*:\s*[^\n]{0,110})?"
               r"|related(?:\s+(?:articles?|stories|news|content|coverage|topics|links|posts"
               r"|videos|reading))?(?:\s*:\s*[^\n]{0,110})?"
               r"|more\s+(?:stories|news|articles|videos|headlines|coverage|like\s+this"
               r"|(?:from|in|on|about)(?:\s+[\w'’&.-]+){1,4})"
               r"|most\s+(?:read|visited|popular|viewed|shared|watched|commented|emailed|recent)"
               r"(?:\s+(?:stories|articles|news|videos|this\s+week|today"
               r"|(?:in|on|from)(?:\s+[\w'’&.-]+){1,2}))?"
               r"|top\s+(?:[\w'’&.-]+\s+){0,2}(?:stories|news|headlines|videos|picks|reads)"
               r"|(?:latest|trending|popular|recommended|featured|breaking|editor'?s'?\s+picks?)"
               r"(?:\s+(?:now|news|stories|articles|videos|headlines|for\s+you))?"
               r"|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in"
               r"|have\s+missed)"
               r"|(?:next|previous|prev)\s+(?:article|story|post|page)(?:\s*:\s*[^\n]{0,110})?"
               r"|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|(?:main\s+)?menu|home(?:\s*page)?"
               r"|search|sections|close|log\s*in|sign\s+in|more"
               r"|live(?:\s+(?:story|updates?|blog|coverage|tv|now))"
               r"|(?:tags?|topics?|filed\s+under|categories|keywords)\s*:\s*[^.!?]{0,100}"
               r"|click\s+here\b[^.!?]{0,60}")

_LINK = r"(?:https?://|www\.)\S+"

#: The reason reported for each kind of furniture (the pattern's group name).
_FURNITURE_REASONS = {
    "link": "link", "copyright": "copyright", "reading": "reading time",
    "dateline": "dateline", "byline": "byline", "image": "image credit",
    "share": "share prompt", "ad": "advertisement", "comments": "comment form",
    "navigation": "navigation",
}
#: One pattern for all furniture, matched against a whole stripped line: bullets or arrows
#: before it and closing punctuation after it are allowed.
_FURNITURE_RE = re.compile(
    r"[•·|>»▶►■◆*-]*\s*(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in (
        ("link", _LINK), ("copyright", _COPYRIGHT), ("reading", _READING_TIME),
        ("dateline", _DATELINE), ("byline", _BYLINE), ("image", _IMAGE_CREDIT),
        ("share", _SHARE), ("ad", _ADVERTISEMENT), ("comments", _COMMENTS),
        ("navigation", _NAVIGATION)))
    + r")[\s.:!»›>→|…*]*",
    re.IGNORECASE,
)


#: The first words (lowercase letters) that a line of furniture can start with, other than the
#: names before the "/" or "via" of an image credit ("Jane Doe/AFP"). A line that starts
#: with another word is no match of :data:`_FURNITURE_RE`, which is then not run: most lines
#: of an article are decided by one dictionary look-up (tests hold the two to the same answers).
_FURNITURE_FIRST_WORDS = frozenset("""
    http https www copyright all this about estimated reading read listening listen
    last first originally published updated posted modified edited created date fecha
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun jan january feb february mar march apr april may jun june jul july aug august
    sep sept september oct october nov november dec december an a one just yesterday today
    written words story text report analysis by additional reporting writing editing compiled
    research translation translated produced graphics
    file main top lead header featured cover stock representative representational photo
    photograph photographs photos image images picture pictures pic pics video graphic
    illustration imagen foto credit credits ap afp reuters epa getty xinhua anadolu dpa efe
    ansa upi pti ani ians tass sputnik ria wana irna tasnim mehr shutterstock alamy handout pool
    share facebook twitter x whatsapp telegram linkedin reddit email e pinterest messenger
    flipboard threads bluesky instagram tiktok youtube google print copy sms tweet save
    bookmark follow sign subscribe register join get receive
    advertisement advertising advert ad ads sponsored paid promoted article content continue
    scroll add leave post write view show hide load comment comments enter
    see watch also related more most latest trending popular recommended breaking editor
    editors you next previous prev back skip menu home homepage search sections close log
    login live tags tag topic topics filed categories keywords click
    take reprinted republished reproduced used
""".split())
#: The first word of a line, after any bullets (empty when a digit or a mark comes first).
_LEAD_WORD_RE = re.compile(r"[•·|>»▶►■◆*\s]*([^\W\d_]*)")
#: First words that start sentences often, with what (lowercase) a line of furniture that
#: starts with them also has.
_FIRST_WORD_NEEDS = {
    "this": ("material", "question"), "all": ("rights",), "a": (" ago",), "an": (" ago",),
    "one": (" ago",), "you": ("like", "enjoy", "interested", "missed", "opt", "unsubscribe"),
}
#: The marks that a line of furniture can start with, after any bullets, besides digits.
_FURNITURE_FIRST_MARKS = frozenset("©(–—-")


#: A spaced separator. It starts only where a whitespace run starts: a search that tried every
#: position inside a long run of spaces would take time quadratic in the run's length.
_CRUMB_SEP = re.compile(r"(?<!\s)\s+[/|›>»]\s+")


def is_breadcrumb(line: str) -> bool:
    """Three or more short parts (one to three words) separated by a spaced / | › > or »."""
    parts = _CRUMB_SEP.split(line)
    return len(parts) >= 3 and all(1 <= len(_WORD_RE.findall(p)) <= 3 for p in parts)


def furniture(line: str) -> str | None:
    """Why the stripped ``line`` is page furniture ("navigation", "byline", "dateline",
    "image credit", "share prompt", "reading time", "copyright", "advertisement", "comment
    form", "link", "no words"), or None when it may be article text.

    Only short lines (:data:`FURNITURE_MAX_CHARS`) are furniture, and only when one pattern
    matches the whole line; a breadcrumb (:func:`is_breadcrumb`) is navigation, and a line
    without a word (a separator, "* * *") is furniture too."""
    if len(line) > FURNITURE_MAX_CHARS:
        return None
    lead = _LEAD_WORD_RE.match(line)
    word = lead.group(1)
    if word:
        word = word.lower()
        if word in _FURNITURE_FIRST_WORDS:
            needs = _FIRST_WORD_NEEDS.get(word)
            maybe = needs is None or any(map(line.lower().__contains__, needs))
        else:  # the names of an image credit: "Jane Doe/AFP", "AFP via Getty Images"
            maybe = "/" in line or " via " in line
    else:
        mark = line[lead.end():lead.end() + 1]
        maybe = mark.isdigit() or mark in _FURNITURE_FIRST_MARKS
    if maybe:  # else no furniture starts so: see _FURNITURE_FIRST_WORDS
        m = _FURNITURE_RE.fullmatch(line)
        if m is not None:
            return _FURNITURE_REASONS[m.lastgroup]
    if not word and _WORD_RE.search(line) is None:
        return "no words"  # a separator ("* * *", "———"), a lone mark or symbol
    if ("/" in line or "|" in line or "›" in line or ">" in line or "»" in line) and (
            is_breadcrumb(line)):
        return "navigation"
    return None


def repeats(line: str, headline: str) -> bool:
    """True when ``line`` repeats ``headline``: the same words, in any case and spacing (a
    "repeated headline" when it is the first line of the body)."""
    return line.casefold().split() == headline.casefold().split()
