"""Canonical entities: mentions from spaCy's NER merged within an article and across the store.

``mentions`` reads and tidies the NER spans; ``canonical`` gives each mention its entity
key within the article; ``index`` maps those keys onto the store's entities;
``aliases`` holds the country, region and acronym names they rely on.
"""
