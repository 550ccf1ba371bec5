"""App: the shells over the one Python API (:mod:`assistant.api`), holding no logic of their own.

``cli.py`` is the ``assistant`` command: it parses arguments, calls the API, prints the result, and turns any
failure into one line on stderr with exit code 2 (:func:`assistant.errors.failure_line`). ``ui.py`` is the Gradio
page: the chat, the article view with its highlighted citations, the Speakers and Texts tabs; it answers questions
in the server's process and hands every change of the index to ``build_worker.py``, one worker process that runs the
change through the same API and reports progress over a pipe, so that questions never wait behind an analysis.
``quote_view.py`` draws a quote check for the page: the quote and its source side by side, differences highlighted.
These modules import only the API, the shared modules (errors, settings, schema, limits) and each other; the
`assistant eval` commands, too, come through the API.
"""
