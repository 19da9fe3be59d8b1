"""Penn Treebank detokenisation: research corpora often ship text split into PTB tokens
(``-LRB- AP -RRB-``, ``Do n't``, ``Jackson 's``, ````quoted''``, ``word ,``).

:func:`find_ptb` returns the fixes that join it back (``(AP)``, ``Don't``, ``Jackson's``,
``"quoted"``, ``word,``, ``1\\/26`` -> ``1/26``, ``D.C. .`` -> ``D.C.``) as spans of
the raw text, for ``storyline.ingest.clean`` to log as edits; only text that shows PTB
tokenisation is touched: a bracket or quote token (``-LRB-``, ``````, ...), or most of
its commas and clitics split off by spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_BRACKETS: Final = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
}
_CLITIC: Final = r"(?:n't|N'T|'(?:s|re|ve|ll|d|m|S|RE|VE|LL|D|M))\b"
_TOKEN: Final = re.compile(
    r"(?P<open>-L[RSC]B-) ?"
    r"| ?(?P<close>-R[RSC]B-)"
    r"|(?P<lquote>``) ?"
    r"| ?(?P<rquote>'')"
    r"|(?P<slash>\\/)|(?P<star>\\\*)"
    r"|(?<=\.)(?P<dotdot> \.)(?=\s|$)"
    rf"|(?<=\w)(?P<clitic> )(?={_CLITIC})"
    r"|(?<=[^\s(\[{])(?P<punct> )(?=[,.;:?!%](?:\s|$|''))"
    r"|(?<=\$)(?P<money> )(?=\d)"
)
_MARKER: Final = re.compile(r"-[LR][RSC]B-|``")
_SPLIT_COMMA: Final = re.compile(r"\S ,(?=\s)")
_COMMA: Final = re.compile(r",(?=\s)")
_SPLIT_CLITIC: Final = re.compile(rf"\w {_CLITIC}")


@dataclass(frozen=True)
class PtbFix:
    start: int
    end: int
    after: str


def looks_ptb(text: str) -> bool:
    """Whether ``text`` is PTB-tokenised: a bracket/quote token, or at least three split
    commas and clitics with (nearly) every comma split off."""
    if _MARKER.search(text):
        return True
    split = len(_SPLIT_COMMA.findall(text))
    commas = len(_COMMA.findall(text))
    clitics = len(_SPLIT_CLITIC.findall(text))
    return split + clitics >= 3 and (commas == 0 or split >= 0.8 * commas)


def find_ptb(text: str) -> list[PtbFix]:
    """The fixes that detokenise ``text`` (none when it does not look PTB-tokenised)."""
    if not looks_ptb(text):
        return []
    fixes = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("open", "close"):
            after = _BRACKETS[match.group(kind)]
        elif kind in ("lquote", "rquote"):
            after = '"'
        elif kind in ("slash", "star"):
            after = "/" if kind == "slash" else "*"
        else:
            after = ""
        fixes.append(PtbFix(match.start(), match.end(), after))
    return fixes
