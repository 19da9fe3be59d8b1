"""Find attributions (content, cue, source as written) from tokens, tags and sentences.

Works on a spaCy ``Doc`` carrying fine-grained tags (``tagger``), sentence boundaries
(``senter`` or ``parser``) and entities (``ner``); it needs no dependency parse. Each
reporting verb outside quotation marks is read with a few word-order patterns:

* ``X said (that) C`` / ``X told Y (that) C`` / ``X accused Y of C`` -- content right;
* ``C, X said.`` / ``"C," said X.`` -- content left, up to the comma or quote;
* ``according to X, C`` / ``C, according to X``;
* ``..., saying C`` -- the speaker is the sentence's subject;
* ``Name: C`` at a sentence start (headlines, transcripts).

Then ``"A," he said. "B."`` is joined into one content (also over a paragraph that
opens with the quote), and longer quoted passages with no cue of their own are given
the previous attribution's speaker (``join``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.enrich.quotes.cues import (
    CUE_FORMS,
    OBJECT_ENDS,
    PARTICLES,
    QUESTION_WORDS,
    TO_CONTENT_LEMMAS,
    WEAK_LEMMAS,
)
from storyline.enrich.quotes.join import join_following_quotes, loose_quotes
from storyline.enrich.quotes.view import QUOTE_CHARS, Attribution, TokenView

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Attribution", "find_attributions"]


_BE_FORMS = frozenset({"is", "was", "were", "are", "be", "been", "being", "'s", "'re"})
_NOUNY = frozenset({"NNP", "NNPS", "NN", "NNS"})
_NP_LINKS = frozenset({"of", "for", "at", "from", "and", "&", "in", "on"})
_NOT_SPEAKERS = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LOC", "FAC"}
)
_APPOSED = frozenset({"PERSON", "ORG"})
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it", "you"})
_SKIP_LEFT = frozenset(
    {"has", "have", "had", "would", "will", "did", "does", "do", "was", "is", "were", "are",
     "also", "reportedly", "later", "then", "previously", "once", "first", "again", "not",
     "n't", "could", "may", "might", "should", "can", "must", "further", "repeatedly",
     "recently", "publicly", "privately", "been", "just", "still", "often"}
)  # fmt: skip
_END_PUNCT = frozenset(".!?;:,\"“”'’)—–-")


def _np_left(v: TokenView, j: int) -> tuple[int, int] | None:
    """Noun phrase ending at token ``j`` (inclusive), read right to left."""
    lo = v.sent_start[j] if j >= 0 else 0
    if j < lo or j < 0:
        return None
    if v.low[j] in _SUBJECT_PRONOUNS and v.tag[j] == "PRP":
        return (j, j + 1)
    if v.low[j] == "who" and j - 2 >= lo and v.words[j - 1] == ",":
        return _np_left(v, j - 2)
    if v.words[j] == "," and j - 1 >= lo and v.tag[j - 1] in _NOUNY:
        j -= 1
    if v.tag[j] not in _NOUNY and not (v.ent[j] and v.is_word(j)):
        return None
    a = j
    while a - 1 >= lo:
        prev = a - 1
        linked = v.low[prev] in _NP_LINKS and prev - 1 >= lo and v.tag[prev - 1] in _NOUNY
        if (v.in_np(prev) and v.region_of[prev] < 0) or linked:
            a = prev
        else:
            break
    while a < j and v.tag[a] in {"POS", "HYPH", "VBN"}:
        a += 1
    named = any(v.ent[i] for i in range(a, j + 1))
    if not named and a - 2 >= lo and v.words[a - 1] == "," and v.ent[a - 2] in _APPOSED:
        b = a - 2
        while b - 1 >= lo and v.ent[b - 1] == v.ent[a - 2] and v.ent_iob[b] == "I":
            b -= 1
        a = b
    return (a, j + 1)


def _np_right(v: TokenView, k: int, hi: int) -> tuple[int, int] | None:
    """Noun phrase starting at token ``k``, read left to right up to ``hi``."""
    if k >= hi:
        return None
    if v.low[k] in _SUBJECT_PRONOUNS and v.tag[k] == "PRP":
        return (k, k + 1)
    b = k
    while b < hi and (
        (v.in_np(b) and v.region_of[b] < 0)
        or (v.low[b] in _NP_LINKS and b + 1 < hi and v.in_np(b + 1) and b > k)
    ):
        b += 1
    if b == k or not any(v.tag[i] in _NOUNY or v.ent[i] for i in range(k, b)):
        return None
    return (k, b)


def _chars(v: TokenView, a: int, b: int) -> tuple[int, int]:
    """Character span of tokens ``[a, b)`` without edge punctuation."""
    while a < b and not v.is_word(a) and v.words[a] in _END_PUNCT:
        a += 1
    while b > a and not v.is_word(b - 1) and v.words[b - 1] in _END_PUNCT:
        b -= 1
    if b <= a:
        return (-1, -1)
    return (v.start[a], v.end[b - 1])


def _region_span(v: TokenView, r: int) -> tuple[int, int]:
    region = v.regions[r]
    return (region.start, region.end)


def _content_right(v: TokenView, k: int, lemma: str, kind: str) -> tuple[int, int, str] | None:
    """Content after the cue's last token ``k - 1``: (start, end, kind) in characters."""
    hi = v.sent_end[k - 1]
    k = _after_object(v, k, kind, hi)
    while k < hi and v.words[k] in {",", ":", "—", "–", "-"}:
        k += 1
    if k >= hi:
        return None
    opener = _quote_after_adjunct(v, k, hi)
    if opener >= 0:
        start, end = _region_span(v, v.region_of[opener + 1])
        return (start, end, "direct")
    if v.low[k] == "to" and lemma not in TO_CONTENT_LEMMAS:
        return None
    that = k
    while that < min(hi, k + 10) and v.low[that] != "that":
        if v.tag[that].startswith("VB") or v.region_of[that] >= 0:
            break
        that += 1
    first_tag = v.tag[k]
    if that < hi and v.low[that] == "that" and (first_tag in {"IN", "RB", ",", "NNP", "CD"}):
        k = that
    elif lemma in WEAK_LEMMAS and v.low[k] not in {"that"} | QUESTION_WORDS:
        return None
    end = hi
    if kind == "stance":
        end = next((e for e in range(k + 1, hi) if v.low[e] in OBJECT_ENDS), hi)
    for i in range(k + 1, hi - 1):
        if v.words[i] == "," and v.region_of[i] < 0 and v.tag[i + 1] == "VBG":
            if v.low[i + 1] not in CUE_FORMS:
                continue
            end = i
            break
    start_char, end_char = _chars(v, k, end)
    if start_char < 0:
        return None
    last = v.region_of[end - 1] if end - 1 >= k else -1
    if last >= 0:
        end_char = max(end_char, v.regions[last].end)
    return (start_char, end_char, "indirect")


def _quote_after_adjunct(v: TokenView, k: int, hi: int) -> int:
    """Token index of a quote opening at ``k`` or after a short adjunct and comma."""
    for i in range(k, min(hi, k + 12)):
        if v.words[i] in QUOTE_CHARS and i + 1 < len(v) and v.region_of[i + 1] >= 0:
            if i == k or v.words[i - 1] in {",", ":"}:
                return i
            return -1
        if v.tag[i].startswith("VB") or v.low[i] == "that":
            return -1
    return -1


def _content_left(v: TokenView, a: int) -> tuple[int, int, str] | None:
    """Content before the speaker or cue that starts at token ``a`` (``C, X said``)."""
    lo = v.sent_start[a]
    j = a - 1
    while j >= 0 and v.words[j] in {",", "—", "–"}:
        j -= 1
    if j < 0:
        return None
    region = -1
    if v.words[j] in QUOTE_CHARS and j - 1 >= 0 and v.region_of[j - 1] >= 0:
        region = v.region_of[j - 1]
    elif j >= lo and v.region_of[j] >= 0 and v.words[j] in {",", "."}:
        region = v.region_of[j]
    if region >= 0:
        start, end = _region_span(v, region)
        opener = v.start[lo] if j >= lo else start
        words_before = _words_between_chars(v, lo, opener, start)
        if words_before >= 2:
            return (opener, end, "indirect")
        return (start, end, "direct")
    if j < lo or a - 1 == j:  # no comma: not the "C, X said" order
        return None
    start, end = _chars(v, lo, j + 1)
    if start < 0:
        return None
    first = v.region_of[lo]
    if first >= 0:
        start = min(start, v.regions[first].start)
    return (start, end, "indirect")


def _words_between_chars(v: TokenView, lo: int, start: int, end: int) -> int:
    """Words of the sentence starting at token ``lo`` between characters start and end."""
    count = 0
    for i in range(lo, len(v)):
        if v.start[i] >= end:
            break
        if v.start[i] >= start and v.is_word(i):
            count += 1
    return count


def _words_between(v: TokenView, a: int, b: int) -> int:
    return sum(1 for i in range(a, b) if v.is_word(i))


def _at_cue(v: TokenView, i: int) -> Attribution | None:
    low = v.low[i]
    if low == "according" and i + 1 < len(v) and v.low[i + 1] == "to":
        return _according(v, i)
    entry = CUE_FORMS.get(low)
    if entry is None or not v.tag[i].startswith("VB") or v.region_of[i] >= 0:
        return None
    lemma, kind = entry
    cue_end = i + 1
    if lemma in PARTICLES:
        if cue_end >= len(v) or v.low[cue_end] != PARTICLES[lemma]:
            return None
        cue_end += 1
    lo, hi = v.sent_start[i], v.sent_end[i]
    j = i - 1
    while j >= lo and (v.low[j] in _SKIP_LEFT or v.tag[j] in {"RB", "MD"}):
        j -= 1
    before = v.words[j] if j >= lo else ""
    if v.tag[i] == "VBN" and (
        any(v.low[b] in _BE_FORMS for b in range(j + 1, i)) or (j == i - 1 and v.tag[j] in _NOUNY)
    ):
        return None  # passive or reduced relative: "is expected", "a group called X"
    # inverted order: '"C," said X.' / 'C, says X.'
    right = _np_right(v, cue_end, hi)
    after_np = right[1] if right else -1
    if (
        right is not None
        and (before in {",", ":"} or before in QUOTE_CHARS)
        and (after_np >= hi or v.words[after_np] in {",", ".", ";", "—"})
    ):
        content = _content_left(v, j + 1)
        if content is not None:
            return _make(v, content, (i, cue_end), right)
    if (v.tag[i] == "VBG" and before == ",") or v.low[j : j + 1] in (["and"], ["but"]):
        subject = _subject(v, lo, j)
        content = _content_right(v, cue_end, lemma, kind)
        if subject is not None and content is not None:
            return _make(v, content, (i, cue_end), subject)
        return None
    speaker = _relative_head(v, lo, j) or _np_left(v, j)
    if speaker is None or v.ent[speaker[1] - 1] in _NOT_SPEAKERS:
        return None
    cue = (i, cue_end)
    if _quote_after_adjunct(v, _after_object(v, cue_end, kind, hi), hi) >= 0:
        content = _content_right(v, cue_end, lemma, kind)
        if content is not None:
            return _make(v, content, cue, speaker)
    left = _content_left(v, speaker[0]) if kind != "stance" else None
    if left is not None and left[2] == "direct":
        return _make(v, left, cue, speaker)
    rest = _words_between(v, cue_end, hi)
    comma_after = v.words[cue_end : cue_end + 1] == [","]
    if left is not None and (rest < 4 or comma_after):
        if comma_after and rest >= 4:
            tail = _chars(v, cue_end, hi)
            if tail[0] >= 0:
                left = (left[0], tail[1], "indirect")
        return _make(v, left, cue, speaker)
    content = _content_right(v, cue_end, lemma, kind)
    if content is None:
        return None
    return _make(v, content, cue, speaker)


def _subject(v: TokenView, lo: int, j: int) -> tuple[int, int] | None:
    """The sentence's subject for a cue coordinated with its main verb (", saying")."""
    k = lo
    while k < j and (v.words[k] in QUOTE_CHARS or not v.is_word(k)):
        k += 1
    if k >= j:
        return None
    subject = _np_right(v, k, j)
    if subject is None:
        comma = next((c for c in range(k, min(j, k + 10)) if v.words[c] == ","), -1)
        if comma > 0:
            subject = _np_right(v, comma + 1, j)
    return subject


def _relative_head(v: TokenView, lo: int, j: int) -> tuple[int, int] | None:
    """``X, who ..., said``: the phrase X that a relative clause ending at ``j`` describes."""
    if j < lo or v.words[j] != ",":
        return None
    for k in range(j - 1, max(lo, j - 30), -1):
        if v.low[k] in {"who", "whose"} and v.words[k - 1] == ",":
            return _np_left(v, k - 2)
        if v.words[k] in QUOTE_CHARS or v.low[k] in CUE_FORMS:
            return None
    return None


def _after_object(v: TokenView, k: int, kind: str, hi: int) -> int:
    """First token after a ``tell``-type verb's addressee (``k`` for other verbs)."""
    if kind == "tell" and k < hi and v.low[k] not in {"that", ",", ":"}:
        obj = _np_right(v, k, hi)
        if obj is not None:
            return obj[1]
    return k


def _colon(v: TokenView, i: int) -> Attribution | None:
    """``Name: content`` at the start of a sentence (headlines, transcripts)."""
    lo, hi = v.sent_start[i], v.sent_end[i]
    while lo < i and not v.is_word(lo):
        lo += 1
    if not 0 < i - lo <= 6 or v.region_of[i] >= 0 or _words_between(v, i + 1, hi) < 3:
        return None
    speaker = _np_right(v, lo, i)
    if speaker is None or speaker[1] != i:
        return None
    if not any(v.ent[t] in _APPOSED or v.tag[t] in {"NNP", "NNPS"} for t in range(lo, i)):
        return None
    content = _content_right(v, i + 1, "say", "say")
    if content is None:
        return None
    return _make(v, content, (i, i + 1), speaker)


def _according(v: TokenView, i: int) -> Attribution | None:
    lo, hi = v.sent_start[i], v.sent_end[i]
    b = i + 2
    while b < hi and v.words[b] not in {",", ".", ";", "—"} and v.region_of[b] < 0:
        b += 1
    if b == i + 2:
        return None
    source = (i + 2, b)
    if _words_between(v, lo, i) >= 3:
        start, end = _chars(v, lo, i)
        if _words_between(v, b, hi) >= 3 and v.words[b : b + 1] == [","] and lo < i:
            end = _chars(v, b, hi)[1]
    else:
        start, end = _chars(v, b, hi)
    if start < 0:
        return None
    return _make(v, (start, end, "indirect"), (i, i + 2), source)


def _make(
    v: TokenView, content: tuple[int, int, str], cue: tuple[int, int], source: tuple[int, int]
) -> Attribution:
    return Attribution(
        start=content[0],
        end=content[1],
        kind=content[2],
        cue_start=v.start[cue[0]],
        cue_end=v.end[cue[1] - 1],
        source_start=v.start[source[0]],
        source_end=v.end[source[1] - 1],
    )


def find_attributions(doc: Doc) -> tuple[Attribution, ...]:
    """Attributions in ``doc`` in text order, speakers as written (no pronoun resolution)."""
    v = TokenView(doc)
    found: list[Attribution] = []
    seen: set[tuple[int, int]] = set()
    for i in range(len(v)):
        if v.words[i] == ":":
            attribution = _colon(v, i)
        elif v.low[i] in CUE_FORMS or v.low[i] == "according":
            attribution = _at_cue(v, i)
        else:
            continue
        if attribution is None or (attribution.start, attribution.end) in seen:
            continue
        seen.add((attribution.start, attribution.end))
        found.append(attribution)
    found.sort(key=lambda a: (a.start, a.end))
    joined = join_following_quotes(v, found)
    joined.extend(loose_quotes(v, joined))
    joined.sort(key=lambda a: (a.start, a.end))
    return tuple(joined)
