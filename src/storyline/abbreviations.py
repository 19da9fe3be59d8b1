"""The one list of abbreviations that end with a full stop without ending a sentence
("Mr.", "Gen.", "Jan.", "Inc."), lower case and without the stop; used to split
sentences when cleaning (``storyline.ingest.metadata``) and when citing
(``storyline.narrate.citations``)."""

from __future__ import annotations

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen lt col maj capt cpl sgt adm cmdr gov sen rep
    pres rev hon amb supt insp det fr messrs mme mlle no nos vol vols fig figs pp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri
    sat sun inc corp co ltd llc plc bros dept univ assn est approx vs etc al
    """.split()
)
