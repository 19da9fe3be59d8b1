"""Metadata written into article text: line parsers for the cleaning pass.

Each ``*_line`` function looks at one whole line (without its line break) and returns
``Facts`` -- the cleaning ``reason`` plus what the line revealed -- or ``None`` when the
line is not of its kind. They are anchored to the whole line with tight patterns, so a
sentence that merely mentions an agency or a date is never taken for metadata.

Patterns recognised (all seen across many outlets' scrapes):

* date lines: ``Updated Sep 6, 2016``, ``Published: 6 September 2016 10:32 GMT``,
  ``Tuesday, September 6, 2016`` -> ``updated`` / ``published`` (``YYYY-MM-DD``);
* bylines: ``By Jane Doe and John Roe`` (the caller only asks near the top);
* credits: ``Photo by: Reuters``, ``Photo: AP``, ``Image: ...``, ``Credit: ...``,
  ``Getty Images``, ``(AP Photo/Jane Doe)``;
* captions: a one-sentence line with a position marker ``(L)``, ``(2nd R)``, ``, left,``
  and a trailing date (``..., August 26, 2016.``) or a caption verb right after the marker
  (``(L) meets``), or any line ending in an agency photo credit (``REUTERS/Jane Doe``);
* trailers: ``With assistance from A and B`` -> contributors;
  ``To contact the reporter on this story: A in PLACE at ...`` -> authors and place;
  ``To contact the editor responsible for this story: ...`` (removed, nothing kept);
* agency sign-offs: ``X and agencies`` / ``X with agencies`` / ``Source: X`` -> source X,
  ``- AFP`` / ``(Reuters)`` -> source, ``(Reporting by A; Editing by B)`` -> authors A,
  contributors (additional reporting / writing);
* datelines at the start of the body: ``LAUSANNE, Switzerland (Reuters) -``,
  ``WASHINGTON (AP) --`` -> place and agency (the dateline stays in the text).

``outlet_name`` turns an acronym glued to a word (``TRTWorld``, ``BBCNews``) into
``TRT World``; other CamelCase (``McDonald``, ``YouTube``, ``iPhone``) is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.abbreviations import ABBREVIATIONS

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_DATE = (
    rf"(?:{_WEEKDAY}?(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|{_WEEKDAY}?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))"
)
# A clock time after the date, also as word-tokenised text writes it ("10: 00", "9. 44 PM").
_TIME = (
    r"(?:\s*(?:[,|/-]|at)?\s*\d{1,2}(?:[:.] ?\d{2}){1,2}\s*(?:[ap]\.?m\.?|[AP]M|hrs)?"
    r"(?:\s*\(?[A-Z]{2,5}(?:[+-]\d{1,2}(?:: ?\d{2})?)?\)?)?)?"
)
_DATE_LINE = re.compile(
    r"^(?:(?P<kind>(?:Last\s+)?Updated|(?:First\s+)?Published|Posted|(?:Last\s+)?Modified"
    r"|Date)(?:\s+on)?\s*:?\s*)?"
    rf"{_DATE}{_TIME}\s*$",
    re.IGNORECASE,
)
_TRAILING_DATE = re.compile(rf"(?:,|\bon)\s+{_DATE}\s*\.?\s*$")

_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:(?:de|da|van|von|der|al|bin|del|la|le)\s+)?[A-Z][\w.'’-]*){1,3}"
_NAMES = re.compile(rf"{_NAME}")
_BYLINE = re.compile(
    rf"^By\s+(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)"
    r"(?:\s*(?:,|\||-|—)\s*(?P<org>[A-Z][\w&.' ]{1,40}))?\.?$"
)
_CREDIT = re.compile(
    r"^\(?(?:(?:Photo(?:graph)?|Picture|Image|Video)s?(?:\s+credit)?(?:\s*:\s*|\s+by\s*:?\s*)"
    r"|Credit\s*:\s*|Image\s+copyright\s+|Image\s+source\s*,?\s*)"
    r"(?P<credit>[^\s].{0,80}?)\)?\.?$",
    re.IGNORECASE,
)
_AGENCY_PHOTO = re.compile(
    r"^\(?(?P<credit>(?:AP|AFP|EPA|Reuters|REUTERS|Getty Images|AP Photo|AFP Photo|"
    r"Anadolu(?: Agency)?|Xinhua)(?:\s*(?:Photo)?\s*/\s*[A-Z][\w.'’ -]{1,60})?)\)?\.?$"
)
_CAPTION_CREDIT = re.compile(
    r"(?:\(\s*(?P<c1>(?:AP|AFP|EPA|Reuters)\s+Photo\s*/\s*[^)]{2,60})\)"
    r"|\b(?P<c2>(?:REUTERS|AFP(?: PHOTO)?|EPA|Getty Images)\s*/\s*[A-Z][\w.'’ -]{1,60}?)"
    r"|\(\s*(?P<c3>Photo\s*:\s*[^)]{2,60})\))\s*$"
)
_MARKER = re.compile(
    r"\((?:L|R|C|(?:[Ll]eft|[Rr]ight|[Cc]ent(?:er|re)|[Ff]ront|[Bb]ack|[Tt]op|[Bb]ottom))\)"
    r"|\((?:2nd|3rd|4th|second|third|fourth)(?:\s+from)?\s+(?:L|R|left|right)\)"
    r"|\((?:L-R|R-L|L to R|from left|from right)\)"
    r"|,\s(?:left|right|center|centre|second\s+(?:from\s+)?(?:left|right)),\s"
)
_MARKER_WORD = re.compile(r", (?:left|right|cent|second)")
_CAPTION_VERB = re.compile(
    r"^\W*(?:and\s+[^,.]{0,60}?\s+)?(?:arrives?|attends?|meets?|speaks?|gestures?|looks?"
    r"|stands?|walks?|holds?|waves?|poses?|talks?|listens?|delivers?|shakes?|sits?"
    r"|greets?|leaves?|reacts?|addresses|chats?|smiles?|embraces?|confers?|votes?)\b"
)
_SENTENCE_STOP = re.compile(r"[.!?]\s+(?=[A-Z])")
_ABBREVIATIONS = ABBREVIATIONS
_ASSISTANCE = re.compile(r"^With\s+assistance\s+(?:from|by)\s+(?P<names>.+?)\.?$")
_CONTACT = re.compile(
    r"^To\s+contact\s+the\s+(?P<who>reporters?|editors?|authors?|writers?)\b"
    r"[^:]{0,40}:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_CONTACT_PERSON = re.compile(
    rf"(?P<name>{_NAME})(?:\s+in\s+(?P<place>[A-Z][\w .'’-]*?))?(?=\s+at\b|\s*$)"
)
_AGENCIES = re.compile(
    r"^(?:Source\s*:\s*)?(?P<source>[A-Z][\w.&'’ -]{1,40}?)\s+(?:and|with|&)\s+agencies\.?$",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^Source\s*:\s*(?P<source>[A-Z][\w.&'’ -]{1,40}?)\.?$")
_WIRE = r"(?:AFP|AP|Reuters|REUTERS|Associated Press|Agence France-Presse|dpa|DPA|Xinhua|AAP|ANI|PTI|IANS|UPI|Anadolu(?: Agency)?|Bloomberg|CNN)"  # noqa: E501
_WIRE_NAME = re.compile(_WIRE)
_BARE_WIRE = re.compile(rf"^(?:[—–-]+\s*(?P<a>{_WIRE})|\((?P<b>{_WIRE})\))\.?$")
_REPORTING = re.compile(
    r"\(\s*(?P<body>(?:(?:Additional\s+)?(?:Reporting|Writing|Editing)(?:\s+and\s+\w+)?\s+by\s)"
    r"[^()]{2,300})\)\s*$"
)
_REPORTING_PART = re.compile(
    r"(?P<role>(?:Additional\s+)?(?:Reporting|Writing|Editing)(?:\s+and\s+\w+)?)\s+by\s+"
    r"(?P<names>[^;]+)",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]{2,40}?(?:,\s*[A-Z][A-Za-z.'’ -]{1,30}?)?)\s*"
    r"(?:,\s*" + _MONTH + r"\s+\d{1,2}\s*)?"
    r"(?:\(\s*(?P<agency>[A-Z][\w.&' -]{1,30}?)\s*\)\s*)?(?:--|[—–-])\s"
)
_AGENCY_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w.'’ -]{2,40}?(?:,\s*[A-Z][\w.'’ -]{1,30}?)?)\s*"
    r"\(\s*(?P<agency>[A-Z][\w.&' -]{1,30}?)\s*\)\s*(?:--|[—–-])\s"
)
_LEAD_AGENCY = re.compile(r"^\(\s*(?P<agency>[A-Z][\w.&' -]{1,30}?)\s*\)\s*(?:--|[—–-])\s")
_ACRONYM_WORD = re.compile(r"\b([A-Z]{2,})([A-Z][a-z]{2,})\b")
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|\band\b|&)\s*")


@dataclass(frozen=True)
class Facts:
    """What one metadata line revealed, with the cleaning reason for removing it."""

    reason: str
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    dateline: str | None = None
    published: str | None = None
    updated: str | None = None
    source: str | None = None


def parse_date(text: str) -> str | None:
    """``Sep 6, 2016`` / ``6 September 2016`` / ``2016-09-06`` -> ``2016-09-06``."""
    match = re.search(_DATE, text)
    return _iso(match) if match else None


def _iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    for i in "123":
        if groups.get(f"y{i}"):
            month_text = groups[f"m{i}"]
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3].lower()]
            year, day = int(groups[f"y{i}"]), int(groups[f"d{i}"])
            if 1 <= month <= 12 and 1 <= day <= 31 and 1800 <= year <= 2200:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _names(text: str) -> tuple[str, ...]:
    parts = (p.strip(" .") for p in _SPLIT_NAMES.split(text))
    return tuple(p for p in parts if p and _NAMES.fullmatch(p))


def outlet_name(name: str) -> str:
    """Tidy an outlet name: ``TRTWorld`` -> ``TRT World``; ``McDonald`` stays."""
    return _ACRONYM_WORD.sub(r"\1 \2", name.strip(" .-—–"))


def is_wire(name: str) -> bool:
    """Whether ``name`` is a news agency (wire) rather than the publishing outlet."""
    return _WIRE_NAME.fullmatch(name) is not None


def date_line(line: str, *, allow_bare: bool = True) -> Facts | None:
    """A line that is only a date, maybe prefixed ``Updated``/``Published``/``Posted``.

    With ``allow_bare=False`` a date without such a prefix is not accepted.
    """
    match = _DATE_LINE.match(line)
    if not match or (not allow_bare and not match.group("kind")):
        return None
    day = _iso(match)
    if day is None:
        return None
    kind = (match.group("kind") or "").lower()
    if "updated" in kind or "modified" in kind:
        return Facts("dateline-updated", updated=day)
    return Facts("dateline-published", published=day)


def byline_line(line: str) -> Facts | None:
    """``By Jane Doe``, ``By Jane Doe and John Roe, Reuters`` (ask only near the top)."""
    match = _BYLINE.match(line)
    if not match:
        return None
    authors = _names(match.group("names"))
    if not authors:
        return None
    org = match.group("org")
    return Facts("byline", authors=authors, source=outlet_name(org) if org else None)


def credit_line(line: str) -> Facts | None:
    """``Photo by: Reuters``, ``Image: Getty``, ``Credit: ...``, ``(AP Photo/Jane Doe)``."""
    if len(line) > 100:
        return None
    match = _CREDIT.match(line) or _AGENCY_PHOTO.match(line)
    if not match:
        return None
    return Facts("photo-credit", credits=(match.group("credit").strip(" ."),))


def caption_line(line: str) -> Facts | None:
    """A photo caption line (see the module docstring for the signals used)."""
    if len(line) > 400 or line.endswith(("?", '"', "”", ":")):
        return None
    if "/" not in line and "(" not in line and not _MARKER_WORD.search(line):
        return None
    credit = _CAPTION_CREDIT.search(line) if "/" in line or "Photo" in line else None
    if credit:
        value = next(g for g in credit.groups() if g)
        return Facts("caption", captions=(line,), credits=(value.strip(" ."),))
    marker = _MARKER.search(line)
    if not marker or not _one_sentence(line):
        return None
    if _TRAILING_DATE.search(line) or _CAPTION_VERB.match(line[marker.end() :]):
        return Facts("caption", captions=(line,))
    return None


def _one_sentence(line: str) -> bool:
    for stop in _SENTENCE_STOP.finditer(line):
        word = line[: stop.start()].rsplit(None, 1)[-1] if line[: stop.start()].strip() else ""
        if len(word) > 1 and "." not in word and word.lower() not in _ABBREVIATIONS:
            return False
    return True


def assistance_line(line: str) -> Facts | None:
    """``With assistance from A, B and C`` -> contributors."""
    match = _ASSISTANCE.match(line)
    if not match:
        return None
    names = _names(match.group("names"))
    return Facts("assistance-trailer", contributors=names) if names else None


def contact_line(line: str) -> Facts | None:
    """``To contact the reporter(s) on this story: A in PLACE at ...`` (or the editors)."""
    match = _CONTACT.match(line)
    if not match:
        return None
    if not match.group("who").lower().startswith("reporter"):
        return Facts("editor-contact")
    authors: list[str] = []
    place = None
    for part in re.split(r";|\band\b(?=\s+[A-Z])", match.group("rest")):
        person = _CONTACT_PERSON.match(part.strip())
        if person:
            authors.append(person.group("name"))
            place = place or person.group("place")
    return Facts("reporter-contact", authors=tuple(authors), dateline=place)


def signoff_line(line: str) -> Facts | None:
    """``X and agencies``, ``Source: X``, ``- AFP``, ``(Reuters)`` -> source."""
    if len(line) > 60:
        return None
    match = _AGENCIES.match(line) or _SOURCE.match(line)
    if match:
        return Facts("agency-signoff", source=outlet_name(match.group("source")))
    wire = _BARE_WIRE.match(line)
    if wire:
        return Facts("agency-signoff", source=wire.group("a") or wire.group("b"))
    return None


def reporting_credits(line: str) -> tuple[int, Facts] | None:
    """A trailing ``(Reporting by A; Editing by B)``: its start offset in ``line`` and facts.

    Reporters (``Reporting by``) become authors; additional reporting and writing credits
    become contributors; editors are not kept (the edit log still has them).
    """
    match = _REPORTING.search(line)
    if not match:
        return None
    authors: list[str] = []
    contributors: list[str] = []
    for part in _REPORTING_PART.finditer(match.group("body")):
        role = part.group("role").lower()
        names = _names(re.sub(r"\s+in\s+[A-Z][\w ]*$", "", part.group("names").strip()))
        if role.startswith("reporting"):
            authors.extend(names)
        elif not role.startswith("editing"):
            contributors.extend(names)
    facts = Facts("agency-signoff", authors=tuple(authors), contributors=tuple(contributors))
    return match.start(), facts


def dateline(first_line: str) -> Facts | None:
    """``LAUSANNE, Switzerland (Reuters) - ...`` at the start of the body -> place, agency."""
    match = _DATELINE.match(first_line) or _AGENCY_DATELINE.match(first_line)
    if match:
        place = _title_place(match.group("place"))
        agency = match.group("agency")
        return Facts("dateline", dateline=place, source=agency.strip() if agency else None)
    lead = _LEAD_AGENCY.match(first_line)
    if lead:
        return Facts("dateline", source=lead.group("agency").strip())
    return None


def _title_place(place: str) -> str:
    city, _, rest = place.partition(",")
    if city.isupper():
        city = " ".join(w.capitalize() if len(w) > 1 else w for w in city.split())
    return city.strip() + ("," + rest.rstrip() if rest else "")
