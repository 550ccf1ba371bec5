"""Speech: who said each sentence of a text (speaker attribution), after the sieve of textacy and the Gender Gap Tracker.

``attribution.py`` is the entry point (:func:`attribute`, :func:`attribute_text`): it splits the text with
:mod:`assistant.text.sentences`, finds quotations (``quotes.py``: pairing of quote marks, robust to apostrophes),
parses the sentences that need it with spaCy (``nlp.py``: the lazily loaded model, long sentences in bounded
chunks), finds speech cues and their source mentions (``cues.py``: "X said", "according to X", colon frames), turns
mentions into people (``names.py``: titles, roles, name cleaning), resolves pronouns, descriptions and quote
continuations to the canonical speaker of the document (``resolve.py``), and decides each sentence with the sieve
(``sieve.py``: named rules in order, the first that decides wins; each sentence records its rule). ``lexicon.py`` is the one home of the word
lists every stage reads: speech and thought verbs, titles and roles, pronouns. Each sentence leaves with a speaker
(or none, for narration) and an attribution kind: direct, indirect or narration.
"""
