"""Quotes and their speakers: rules over spaCy tokens, tags, sentences and entities.

``extract`` is the stage (``find_quotes``); ``find`` finds attributions (cue, source,
content) in a token view (``view``), with quotation-mark regions from ``marks``,
reporting verbs and phrases from ``cues``, and continuing quotes joined by ``join``.
"""
