"""Post-processing of attributions: joined quote passages and cue-less quotes."""

from __future__ import annotations

import bisect
import dataclasses

from storyline.enrich.quotes.view import QUOTE_CHARS, Attribution, TokenView


def loose_quotes(v: TokenView, found: list[Attribution]) -> list[Attribution]:
    """Quoted passages with no cue of their own, given the previous quote's speaker."""
    loose: list[Attribution] = []
    for region in v.regions:
        if len(v.text[region.start : region.end].split()) < 6:
            continue
        if any(a.start < region.end and region.start < a.end for a in found):
            continue
        before = [a for a in found if a.end <= region.start and a.source_start >= 0]
        if not before or region.start - before[-1].end > 1500:
            continue
        last = before[-1]
        loose.append(
            Attribution(
                region.start, region.end, "direct", -1, -1, last.source_start, last.source_end
            )
        )
    return loose


def join_following_quotes(v: TokenView, found: list[Attribution]) -> list[Attribution]:
    """Extend direct quotes over the next quoted passages of the same paragraph.

    ``"A," he said. "B."`` is one attribution whose content runs from A to B, unless B
    is attributed on its own.
    """
    taken = [(a.start, a.end) for a in found]
    joined: list[Attribution] = []
    for attribution in found:
        if attribution.kind != "direct":
            joined.append(attribution)
            continue
        end = attribution.end
        after = max(attribution.cue_end, attribution.source_end, attribution.end)
        for region in v.regions:
            if region.start <= after:
                continue
            gap = v.text[after : region.start]
            last = bisect.bisect_left(v.start, after) - 1
            opener = bisect.bisect_left(v.start, region.start) - 1
            if last < 0 or opener < 0:
                break
            if "\n" in gap:
                if gap.strip().lstrip(".").strip() not in QUOTE_CHARS:
                    break  # the next paragraph does not open with the quote
            elif v.sent_start[opener] > v.sent_end[last]:
                break  # a sentence of other matter lies between
            if any(s < region.end and region.start < e for s, e in taken):
                break
            end = region.end
            after = region.end
        joined.append(dataclasses.replace(attribution, end=end))
    return joined
