"""Search: from a question to the Answer, over one snapshot of the store.

``questions.py`` reads what a question asks ("What did X say about …?", "Who said …?"); ``speakers.py`` matches a
name the user typed to the index's canonical speakers and their aliases; ``retrieval.py`` ranks sentences with the
fused dense + BM25 score over each sentence and its window (exact on small segments, IVF and rare-term candidates on
large ones) and builds each :class:`~assistant.schema.Passage` with its citation and context; ``found.py`` decides
whether the passages answer at all; ``answers.py`` plans a question (speaker filter, how many to fetch) and writes
the reply with its lead lines; ``quote_check.py`` answers "Did X say '…'?" and a pasted quote: it reads the quote,
aligns it word by word with its candidate sentences and gives the verdict (verbatim, close, someone else's, not
found); ``links.py`` makes a document's address a link only when it is http/https (the chat's markdown and the
page's HTML); ``examples.py`` makes example questions from the index's speakers and topics. Data
flows in from :mod:`assistant.store` (a Snapshot) and out to the API as Answer objects.
"""
