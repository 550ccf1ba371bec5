"""Text: from a source file to a Document and its sentences, before anything is known about who speaks.

``documents.py`` reads sources (a file or a folder of them) into :class:`~assistant.schema.Document` objects: it
decodes the bytes, normalises the text, reads a leading ``date YYYY-MM-DD`` line and a headline, makes ids unique and
enforces the per-file limits; it reads every format by way of ``sources.py``, which chooses the format by extension
and checks the content against it: ``html.py`` (a saved news page: trafilatura's main text, the page's own metadata),
``jsonl.py`` (a dump, one article a line, streamed), ``feeds.py`` (RSS 2.0/Atom items, feedparser) and ``warc.py``
(the HTML pages of a web archive, warcio, streamed), each yielding ``records.py``'s Records (title, date, url,
author, text) that ``documents.py`` turns into Documents with unique ids. ``sentences.py`` splits a document's text
into paragraphs and sentences, each kept as character offsets into the text, so that ``text[start:end]`` is always
exactly the sentence a citation quotes. Data
flows out of here into :mod:`assistant.speech` (attribution) and :mod:`assistant.pipeline` (analysis); nothing here
imports from them.
"""
