"""Token arrays of a spaCy Doc for the quote extractor, and the Attribution it returns."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.enrich.quotes.marks import QuoteRegion, find_quote_regions

if TYPE_CHECKING:
    from spacy.tokens import Doc

QUOTE_CHARS = frozenset({'"', "“", "”", "„", "«", "»", "''", "``"})
NP_TAGS = frozenset(
    {"NNP", "NNPS", "NN", "NNS", "DT", "JJ", "JJR", "JJS", "CD", "POS", "PRP$", "HYPH", "NML",
     "VBN", "AFX"}
)  # fmt: skip


@dataclass(frozen=True)
class Attribution:
    """One attribution as written: content, cue and source spans (characters, half-open).

    ``source_start/source_end`` is the speaker as written (possibly a pronoun), -1 when
    none was found; ``kind`` is ``direct`` when the content is one quoted passage.
    """

    start: int
    end: int
    kind: str
    cue_start: int
    cue_end: int
    source_start: int
    source_end: int


class TokenView:
    """Per-token arrays of a Doc (plain lists are much faster to probe than Tokens)."""

    def __init__(self, doc: Doc) -> None:
        self.text: str = doc.text
        self.words: list[str] = [t.text for t in doc]
        self.low: list[str] = [w.lower() for w in self.words]
        self.tag: list[str] = [t.tag_ for t in doc]
        self.start: list[int] = [t.idx for t in doc]
        self.end: list[int] = [t.idx + len(t.text) for t in doc]
        self.ent: list[str] = [t.ent_type_ for t in doc]
        self.ent_iob: list[str] = [t.ent_iob_ for t in doc]
        self.regions: tuple[QuoteRegion, ...] = find_quote_regions(self.text)
        self.sent_start: list[int] = [0] * len(doc)
        self.sent_end: list[int] = [0] * len(doc)
        bounds = {t.i for t in doc if t.is_sent_start} | {0, len(doc)}
        bounds |= {t.i + 1 for t in doc if t.is_space and "\n" in t.text}
        opened = {region.start for region in self.regions}
        bounds |= {
            t.i
            for t in doc
            if t.i > 0
            and t.text in QUOTE_CHARS
            and doc[t.i - 1].text in {".", "!", "?"}
            and t.idx + len(t.text) in opened
        }
        ordered = sorted(bounds)
        for lo, hi in itertools.pairwise(ordered):
            for i in range(lo, hi):
                self.sent_start[i] = lo
                self.sent_end[i] = hi
        self.region_of: list[int] = [-1] * len(doc)
        r = 0
        for i, start in enumerate(self.start):
            while r < len(self.regions) and self.regions[r].end <= start:
                r += 1
            if r < len(self.regions) and self.regions[r].start <= start:
                self.region_of[i] = r

    def __len__(self) -> int:
        return len(self.low)

    def is_word(self, i: int) -> bool:
        return self.words[i][:1].isalnum()

    def in_np(self, i: int) -> bool:
        return self.tag[i] in NP_TAGS or (self.ent[i] != "" and self.is_word(i))
