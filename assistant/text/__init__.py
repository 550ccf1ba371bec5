"""Text: from a source file to a Document and its sentences, before anything is known about who speaks.

``documents.py`` reads sources (a file or a folder of them) into :class:`~assistant.schema.Document` objects: it
decodes the bytes, normalises the text, reads a leading ``date YYYY-MM-DD`` line and a headline, makes ids unique and
enforces the per-file limits. ``sentences.py`` splits a document's text into paragraphs and sentences, each kept as
character offsets into the text, so that ``text[start:end]`` is always exactly the sentence a citation quotes. Data
flows out of here into :mod:`assistant.speech` (attribution) and :mod:`assistant.pipeline` (analysis); nothing here
imports from them.
"""
