"""Reporting verbs: the cue words that introduce quoted or reported speech.

Each verb belongs to one class that says where its content sits:

* ``say``: the content follows the verb (``X said (that) ...``) or precedes it
  (``..., X said.``);
* ``tell``: an addressee comes between verb and content (``X told reporters that ...``);
  the addressee is not part of the content;
* ``accuse``: the object belongs to the content (``X accused Y of ...``).

Only word forms are listed, so the extractor needs no lemmatizer.
"""

from __future__ import annotations

from collections.abc import Iterable

_SAY_VERBS: tuple[str, ...] = (
    "say", "add", "note", "argue", "claim", "insist", "explain", "announce", "report",
    "write", "tweet", "declare", "state", "acknowledge", "admit", "contend", "assert",
    "predict", "recall", "reply", "respond", "confirm", "deny", "complain", "concede",
    "conclude", "emphasize", "emphasise", "stress", "maintain", "observe", "remark",
    "allege", "testify", "vow", "suggest", "estimate", "reveal", "indicate", "mention",
    "boast", "joke", "quip", "lament", "proclaim", "affirm", "reiterate", "counter",
    "retort", "speculate", "caution", "charge", "post", "agree", "believe", "think",
    "fear", "worry", "hope", "tout", "pledge", "promise", "concur", "recount", "predict",
    "exclaim", "grumble", "muse", "opine", "posit", "demand", "propose", "disclose",
    "signal", "acknowledge", "assure", "point",
)  # fmt: skip

_TELL_VERBS: tuple[str, ...] = (
    "tell", "warn", "inform", "remind", "advise", "notify", "convince", "ask", "urge",
    "assure", "persuade",
)  # fmt: skip

_ACCUSE_VERBS: tuple[str, ...] = ("accuse", "blame", "criticize", "criticise", "slam")

# Stance and evidence verbs: the content is their object ("X endorsed Y", "polls show Y").
_STANCE_VERBS: tuple[str, ...] = (
    "call", "show", "find", "describe", "seek", "endorse", "support", "oppose", "defend",
    "praise", "expect", "reject", "dismiss", "attack", "blast", "mock", "highlight",
    "cite", "question", "challenge", "email", "knock", "decline",
    "refuse", "applaud", "condemn", "denounce", "welcome", "dispute", "acknowledge",
)  # fmt: skip

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "think": ("think", "thinks", "thought", "thinking"),
    "testify": ("testify", "testifies", "testified", "testifying"),
    "reply": ("reply", "replies", "replied", "replying"),
    "deny": ("deny", "denies", "denied", "denying"),
    "worry": ("worry", "worries", "worried", "worrying"),
    "signal": ("signal", "signals", "signaled", "signalled", "signaling", "signalling"),
    "concur": ("concur", "concurs", "concurred", "concurring"),
    "slam": ("slam", "slams", "slammed", "slamming"),
    "find": ("find", "finds", "found", "finding"),
    "show": ("show", "shows", "showed", "shown", "showing"),
    "seek": ("seek", "seeks", "sought", "seeking"),
    "plan": ("plan", "plans", "planned", "planning"),
    "email": ("email", "emails", "emailed", "emailing"),
    "opine": ("opine", "opines", "opined", "opining"),
}

# Particles a verb needs to be a reporting verb ("point out").
PARTICLES: dict[str, str] = {"point": "out"}


def _forms(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    if lemma.endswith(("s", "sh", "ch", "x")):
        return (lemma, lemma + "es", lemma + "ed", lemma + "ing")
    return (lemma, lemma + "s", lemma + "ed", lemma + "ing")


def _table(groups: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for kind, lemmas in groups:
        for lemma in lemmas:
            for form in _forms(lemma):
                table.setdefault(form, (lemma, kind))
    return table


# word form -> (lemma, class)
CUE_FORMS: dict[str, tuple[str, str]] = _table(
    (
        ("tell", _TELL_VERBS),
        ("accuse", _ACCUSE_VERBS),
        ("say", _SAY_VERBS),
        ("stance", _STANCE_VERBS),
    )
)

# Verbs that report speech only when something is plainly said: they do not open a
# content on their own when used without a following "that"/quote (e.g. "hope to win").
WEAK_LEMMAS: frozenset[str] = frozenset(
    {"believe", "think", "fear", "worry", "hope", "promise", "pledge", "demand",
     "propose", "post", "signal", "state", "charge", "counter", "maintain", "observe",
     "report", "agree", "point", "ask", "urge", "assure", "convince", "persuade"}
)  # fmt: skip

# Verbs whose content may be "to ..." (urge Y to act) -- kept as content.
TO_CONTENT_LEMMAS: frozenset[str] = frozenset(
    {"urge", "ask", "promise", "pledge", "vow", "want", "seek", "plan", "expect", "decline",
     "refuse", "push", "call", "hope", "propose"}
)  # fmt: skip

# Words that may open the content of a question verb ("asked whether ...").
QUESTION_WORDS: frozenset[str] = frozenset(
    {"if", "whether", "why", "how", "what", "when", "where", "who", "to"}
)

# Words that end a stance verb's object ("endorsed X after ...").
OBJECT_ENDS: frozenset[str] = frozenset(
    {",", ";", "after", "because", "while", "when", "as", "before", "since", "which", "who",
     "although", "but", "though", "despite", "during", "until", "—", "--"}
)  # fmt: skip
