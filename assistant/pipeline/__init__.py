"""Pipeline: the per-document analysis that turns Documents into the analysed form the index imports.

``analysis.py`` runs the steps for a batch of documents: sentences and speakers from :mod:`assistant.speech`, then
vectors from ``embedding.py`` (a sentence-transformers model loaded offline, once per process; ``qa_model.py``
assembles the shipped qa-minilm-l6 from the packaged base and its trained layers; ``encoder.py`` runs the same model
on ONNX Runtime, the default encoder runtime, exported once into a cache checked against its weights); ``stages.py``
keeps where an analysis spent its time (read, parse, attribute, encode, write). It can reuse a stored analysis
of the same text under the same :data:`~assistant.pipeline.analysis.ANALYSIS_VERSION` and model. ``analysed.py`` is
the analysed form, the Parquet hand-over between this heavy, parallel work and the index (docs/formats.md): its
columns, writing and every check on reading; ``form_limits.py`` holds the limits and rules an imported form obeys
beyond its schema (sizes checked from the Parquet metadata, ids, names), ``out_folder.py`` which ``--out`` folder a
run may replace (only one it wrote, apart from its sources). ``distributed.py`` runs the same analysis on a Ray cluster, one actor
per worker loading its models once, each writing its own Parquet parts. Data flows one way: documents in, the
analysed form out to :mod:`assistant.store`.
"""
