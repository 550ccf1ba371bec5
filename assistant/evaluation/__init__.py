"""Evaluation: the ``assistant eval`` commands, which measure the product on data read by path (never copied in).

``reqa.py`` measures sentence retrieval on a ReQA-style set (questions whose gold is the sentence holding the
answer, searched among all sentences of all articles): MRR, recall at 1, 5 and 10, build time and time per
question beside the plain library's floor. ``polnear.py`` measures speaker attribution against gold attributions in
the PolNeAR format: re-labels each article with the product's own sentence splitter, then scores narration against
speech, the speaker of each speech sentence and each article's speaker list, by PolNeAR's convention and by the
product's. They sit below the API, which offers them as ``evaluate_retrieval`` and ``evaluate_speakers`` (the
retrieval report is handed the API's ``Assistant.build``); nothing else in the product imports them.
"""
