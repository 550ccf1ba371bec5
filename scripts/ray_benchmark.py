"""Sentences per second of ``assistant analyse``: local, and on a local Ray at 1 and 2 workers; plus the floor.

    python scripts/ray_benchmark.py ../shared/eval/squad_dev_articles --files 6 [--workers 1 2] [--json out.json]

Reads the texts where they are (nothing is copied). For each configuration it reports the whole run's sentences/s
(what a user waits for: Ray's start and the workers' model loading included) and the steady rate (sentences over
the time the workers spent analysing, times the number of workers). The floor is the same texts' spaCy parse alone
(as the attribution feeds it, timed inside the local run) plus the model's encode alone on the same sentences.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.pipeline import analysed as analysed_form  # noqa: E402
from assistant import settings  # noqa: E402
from assistant.pipeline import embedding  # noqa: E402
from assistant.text.documents import collect_files, read_documents  # noqa: E402
from assistant.pipeline.analysis import analyse_documents, default_precision  # noqa: E402
from assistant.speech.nlp import PARSE_TIME, load_nlp  # noqa: E402
from assistant.pipeline.embedding import embedding_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", type=int, default=6, help="the first N files of the folder (sorted)")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    files = collect_files([args.folder])[: args.files]
    model = settings.default_model()
    result: dict[str, object] = {"files": len(files), "cpus": os.cpu_count(), "load_before": os.getloadavg()}

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"  # links, not copies: the texts stay where they are
        src.mkdir()
        for f in files:
            (src / f.name).symlink_to(f.resolve())
        documents = read_documents([src])

        started = time.perf_counter()
        embedding.load_model(model)
        load_nlp()
        result["local_model_load_s"] = round(time.perf_counter() - started, 2)

        PARSE_TIME.seconds = 0.0
        started = time.perf_counter()
        analysed, _, _, _ = analyse_documents(documents, model)
        local_s = time.perf_counter() - started
        parse_s = PARSE_TIME.seconds
        n = analysed.size
        result.update({"sentences": n, "local_analyse_s": round(local_s, 2), "local_sentences_per_s": round(n / local_s, 1)})

        texts = [embedding_text(d.title, d.text[s:e]) for d in analysed.documents
                 for s, e in zip(*_rows(analysed, d))]
        embedding.set_threads(settings.build_thread_count())
        started = time.perf_counter()
        embedding.encode(model, texts, precision=default_precision(model))  # as the analysis encodes them
        encode_s = time.perf_counter() - started
        embedding.set_threads()
        result.update({
            "floor_parse_s": round(parse_s, 2), "floor_encode_s": round(encode_s, 2),
            "floor_sentences_per_s": round(n / (parse_s + encode_s), 1),
            "analyse_over_floor": round(local_s / (parse_s + encode_s), 2),
        })
        print(json.dumps(result), flush=True)

        from assistant.pipeline.distributed import analyse_on_ray

        for workers in args.workers:
            stats: dict[str, float] = {}
            out = Path(tmp) / f"ray-{workers}"
            _, sentences, seconds = analyse_on_ray([src], out, model, "local", workers=workers, stats=stats)
            _, check = analysed_form.read(out)
            assert check.size == sentences == n, (check.size, sentences, n)
            steady = sentences / (stats["worker_busy_seconds"] / stats["workers"])
            result[f"ray_{workers}"] = {
                "seconds": round(seconds, 2), "sentences_per_s": round(sentences / seconds, 1),
                "ray_start_s": round(stats["ray_start_seconds"], 2),
                "first_batch_s": round(stats["first_batch_seconds"], 2),
                "steady_sentences_per_s": round(steady, 1), "batches": stats["batches"],
            }
            print(json.dumps({f"ray_{workers}": result[f"ray_{workers}"]}), flush=True)
    result["load_after"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


def _rows(analysed, document):  # noqa: ANN001, ANN202 - (starts, ends) of one document's sentences
    index = analysed.documents.index(document)
    mask = analysed.doc == index
    return analysed.start[mask].tolist(), analysed.end[mask].tolist()


if __name__ == "__main__":
    main()
