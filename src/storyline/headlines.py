"""Headlines: a real headline-like line for an article, never page furniture, and site
names split off titles.

* :func:`split_site_suffix` -- ``"Bikes get lighter | MoreBikes"`` -> (``"Bikes get
  lighter"``, ``"MoreBikes"``): a title whose last part, after a separator (``|``, ``–``,
  ``—``, ``-``, ``::``), is a site name. With ``|`` or ``::`` (which headlines do not
  use) a short, name-like last part is enough; with a dash it must also be known as the
  site: the outlet or the site name given, the URL's host (``TechCrunch`` for
  techcrunch.com, ``BBC News`` for bbc.co.uk), or a domain name itself.
* :func:`headline_of_text` -- for an untitled article, the first sentence of its first
  line once the page furniture at its head is dropped: "Page last updated at 11:24 GMT,
  Tuesday, 27 September 2011", a wire stamp such as "WASHINGTON | Wed Apr 29, 2009 6:57
  pm BST", a byline ("By the CNN Wire Staff" before a capitalised sentence), the
  dateline of the first sentence ("WASHINGTON (Reuters) - ").

General rules (separators, date and time shapes, the article's own outlet), no list of
sites or seeds.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

_SEPARATOR: Final = re.compile(r"\s+(\||::|–|—|-{1,2}|·|•)\s+")
_STRONG: Final = frozenset({"|", "::", "·", "•"})
_DOMAIN: Final = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.I)
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?"
_DATE_BIT = rf"(?:{_TIME}|{_WEEKDAY}|{_MONTH}|\d{{1,4}}(?:st|nd|rd|th)?|[A-Z]{{2,4}}|at|on|,|\s)+"
_FURNITURE: Final = (
    # "Page last updated at 11:24 GMT, Tuesday, 27 September 2011"
    re.compile(
        rf"^(?i:(?:Page\s+|This\s+page\s+(?:was\s+)?|Story\s+|Article\s+)?"
        rf"(?:last\s+)?(?:updated|published|posted|modified))\b:?{_DATE_BIT}"
    ),
    # "WASHINGTON | Wed Apr 29 , 2009 6:57 pm BST", "BENGHAZI , Libya | Wed Feb 23 ..."
    re.compile(rf"^[A-Z][A-Za-z .,'-]{{1,40}}\s\|\s*{_DATE_BIT}"),
    # "-LRB- an error occurred while processing this directive -RRB-" and the like
    re.compile(r"^(?:-LRB-|\()[^()]{0,80}?(?:-RRB-|\))\s*"),
    # "January 25, 2011 | " (a date stamp before the rest)
    re.compile(rf"^{_DATE_BIT}\|\s*"),
    # a byline before a capitalised sentence: "By the CNN Wire Staff Main opposition ...",
    # "By Amir Ahmed, CNN ...", "By Tarek Osman, Special to CNN ...", "By A for CNN ..."
    re.compile(r"^By\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s+){1,4}(?:Staff|Reporter|Correspondent)s?\s+"),
    re.compile(
        r"^(?:By|From)\s+(?:[A-Z][\w.'-]*\s+(?:(?:and|&)\s+)?){0,6}[A-Z][\w.'-]*"
        r"(?:\s*,\s*(?:[A-Z][\w'-]*\s+|(?:for|to)\s+){0,5}|\s+for\s+)[A-Z]{2,6}\s+"
    ),
)
# "WASHINGTON (Reuters) - ", "WASHINGTON -LRB- Reuters -RRB- - ", "NEW ORLEANS -- "
_DATELINE: Final = re.compile(
    r"^[A-Z][A-Z .,'-]{1,40}(?:\s*(?:\(|-LRB-\s*)[\w .&-]{2,30}(?:\)|\s*-RRB-))?"
    r"\s*(?:-{1,2}|–|—)\s+"
)
_SENTENCE_END: Final = re.compile(r"[.!?](?=\s+[A-Z\"“‘'])")


def _host_names(url: str | None) -> set[str]:
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [p for p in host.removeprefix("www.").split(".") if p]
    return {labels[0]} if labels and len(labels[0]) >= 2 else set()


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _is_site(part: str, strong: bool, known: set[str], hosts: set[str]) -> bool:
    words = part.split()
    if not words or len(words) > 5 or len(part) > 40 or part[-1:] in ".!?:;,":
        return False
    if not part[:1].isupper() and not _DOMAIN.match(part) and not part[:1].isdigit():
        return False
    squashed = _squash(part)
    if squashed and (squashed in known or any(h and h in squashed for h in hosts)):
        return True
    if _DOMAIN.match(part):
        return True
    # with a strong separator, a short name-like part (capitalised words, no verbs of a
    # sentence: at most three words) is the site
    return strong and len(words) <= 3 and all(w[:1].isupper() or not w.isalpha() for w in words)


def split_site_suffix(
    title: str | None, *, outlet: str | None = None, url: str | None = None
) -> tuple[str | None, str | None]:
    """``(title without its site suffix, the site)``; ``(title, None)`` when none."""
    if not title:
        return title, None
    parts = _SEPARATOR.split(title.strip())
    if len(parts) < 3:
        return title, None
    head = "".join(parts[:-2]).strip()
    separator, last = parts[-2], parts[-1].strip()
    if len(head.split()) < 3:
        return title, None
    known = {_squash(outlet)} if outlet else set()
    if _is_site(last, separator in _STRONG, known - {""}, _host_names(url)):
        # a second suffix ("Headline - Section | Site") goes too when it is a site's section
        return split_site_suffix(head, outlet=outlet, url=url)[0] or head, last
    return title, None


def strip_furniture(line: str) -> str:
    """``line`` without the page furniture at its head (see the module docstring)."""
    text = line.strip()
    for _ in range(4):
        before = text
        for pattern in _FURNITURE:
            match = pattern.match(text)
            if match and len(text) - match.end() >= 20:
                text = text[match.end() :].lstrip(" ,;:|-–—")
        if text == before:
            break
    match = _DATELINE.match(text)
    if match and len(text) - match.end() >= 20:
        text = text[match.end() :]
    return text


def is_furniture(line: str) -> bool:
    """Whether ``line`` is page furniture and nothing else ("Page last updated at ...")."""
    text = line.strip()
    for pattern in _FURNITURE[:2]:
        match = pattern.match(text)
        if match and len(text) - match.end() < 20:
            return True
    return False


def headline_of_text(text: str, limit: int = 80) -> str:
    """A headline-like line for an untitled article: the first sentence of its first line
    after its furniture, cut at a word boundary with "…" past ``limit`` characters."""
    lines = [" ".join(line.split()) for line in text.strip().split("\n")]
    lines = [line for line in lines if line]
    first = next((line for line in lines if not is_furniture(line)), lines[0] if lines else "")
    first = strip_furniture(first)
    if first[:1].islower():  # a fragment (a caption's tail): start at the next sentence
        starts = [m.end() for m in _SENTENCE_END.finditer(first)]
        rest = next((first[k:].lstrip() for k in starts if first[k:].strip()[:1].isupper()), "")
        first = rest or first
    for end in _SENTENCE_END.finditer(first):
        sentence = first[: end.start() + 1]
        words = sentence.split()
        if len(words) >= 4 and not (len(words[-1]) <= 4 and words[-1][0].isupper()):
            first = sentence  # not "Mr." or "U.S." ending a short run of words
            break
    if len(first) > limit:
        cut = first[: limit - 1].rsplit(" ", 1)[0] if " " in first[: limit - 1] else ""
        first = (cut or first[: limit - 1]).rstrip(" ,;:-") + "…"
    return first
