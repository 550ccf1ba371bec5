"""``assistant analyse --ray``: the per-document analysis spread over a Ray cluster with Ray Data.

The driver only plans and commits. It lists the source files and gives them the same ids as a local run, reads each
one once to refuse an unreadable source before any work starts (a dump, feed or archive record by record, never
whole: each document of the plan is a file, or a record's byte range in one), and cuts the list into batches of
documents. Ray
Data maps the batches over a pool of actors (:class:`Analyser`), each of which loads spaCy and the embedding model
once; an actor reads its batch's files, runs :func:`assistant.pipeline.analysis.analyse_documents` on them and writes one
Parquet part per table into a temporary directory beside ``--out`` (``part-<batch>``: a retried batch overwrites
its own part, never adds a second one). When every batch has reported, the driver checks that each part holds the
rows its worker counted, writes ``analysis.json`` and renames the directory to ``--out``. A failure at any point
removes the temporary directory, so ``--out`` holds a complete analysis or what it held before. The actors encode
with the driver's encoder runtime and precision (the precision decided once by the driver and recorded in every
part); int8 texts are encoded one at a time, so a Ray run gives the vectors of a local run bit for bit.

A worker process that dies is restarted by Ray and its batch is run again (``max_restarts`` /
``max_task_retries``, :data:`RETRIES` times); an error in the analysis itself (a text with no sentences, a file
gone since the driver read it) is not retried: the worker reports it as data and the driver ends the run with that
message.

Sources and ``--out`` must be paths that every node of the cluster can read and write (a shared file system);
``local`` starts a Ray instance on this machine for the run and stops it afterwards.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ray  # ImportError here is what api.analyse turns into the install hint
import ray.data

from .. import settings
from ..errors import AssistantError, printable
from ..schema import Progress
from .analysed import check_out



RETRIES = 3
"""How often Ray restarts a dead analysis actor and re-runs its batch before the run fails."""
MAX_BATCH_DOCUMENTS = 32
"""At most this many documents per batch: small enough for a steady progress line and cheap retries."""
FAIL_ONCE_ENV = "ASSISTANT_RAY_FAIL_ONCE"
"""Test hook: a file path. The first actor to start a batch while that file does not exist creates it and kills
its own process (as an out-of-memory kill would), so that Ray's restart and retry are exercised."""


# ----- planning (driver) -----

def collect(sources: Sequence[Path]) -> list[Path]:
    """The source files in the order a local run reads them, without the per-build limits: a Ray run is for
    archives larger than one build (the per-file limit still holds when each file is read)."""
    from ..text.documents import collect_files

    return collect_files(list(sources), limited=False)


Planned = tuple[str, str, "list[int] | None"]
"""``(absolute path, document id, place)``: ``place`` is ``[offset, length, number]`` of a record in a dump, an
archive or a feed (the worker reads only that record), None for a text file."""


def plan(sources: Sequence[Path]) -> list[Planned]:
    """One entry per document, ids as a local run gives them. Every text file is read once here and every record
    of a dump, feed or archive checked (streamed, one record at a time: a 1 GB dump is never held by the driver),
    so that a source that cannot be read (missing, a folder, not UTF-8, a broken JSON line…) is named before any
    work. The workers extract the records' text."""
    from ..text.documents import plan_entries

    return [
        (str(Path(path).absolute()), doc_id, [place.offset, place.length, place.number] if place is not None else None)
        for path, place, doc_id in plan_entries(list(sources))
    ]


def batches(planned: list[Planned], workers: int) -> list[list[Planned]]:
    """Cut the plan into batches: a few per worker (so that a slow one does not hold up the end), at most
    MAX_BATCH_DOCUMENTS documents each."""
    size = max(1, min(MAX_BATCH_DOCUMENTS, math.ceil(len(planned) / max(1, 4 * workers))))
    return [planned[i : i + size] for i in range(0, len(planned), size)]


# ----- the workers -----

class Analyser:
    """A Ray Data actor: loads spaCy and the embedding model once, then analyses batches of documents into
    Parquet parts of the analysed form."""

    def __init__(self, model: str, directory: str, threads: int = 1, fail_once: str | None = None,
                 encoder: str | None = None, precision: str | None = None) -> None:
        settings.go_offline()
        os.environ["ASSISTANT_BUILD_THREADS"] = str(threads)  # analyse_documents embeds with this many threads
        if encoder:
            os.environ["ASSISTANT_ENCODER"] = encoder  # the driver's encoder runtime, also in a Ray session it did not start
        from . import embedding
        from .analysis import default_precision
        from ..speech.nlp import load_nlp

        self.precision = precision or default_precision(model)  # the driver's: every part of a run has one precision
        embedding.ready(model, precision=self.precision)
        embedding.set_threads(threads)
        load_nlp()
        self.model = model
        self.directory = Path(directory)
        self.fail_once = fail_once

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from .analysed import write_parts
        from ..text.documents import read_entry
        from ..text.jsonl import Place
        from .analysis import analyse_documents

        if self.fail_once:
            try:
                os.close(os.open(self.fail_once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                os._exit(1)  # the first batch of the run: die as a killed worker would
            except FileExistsError:
                pass
        out: dict[str, list] = {"batch": [], "documents": [], "sentences": [], "dimension": [], "seconds": [], "error": []}
        for index, items in zip(batch["batch"], batch["items"]):
            started = time.perf_counter()
            pairs = json.loads(items)
            try:
                documents = [read_entry(Path(path), Place(*place) if place else None, doc_id)
                             for path, doc_id, place in pairs]
                analysed, _, _, _ = analyse_documents(documents, self.model, precision=self.precision)
            except AssistantError as error:  # the text's own problem: reported as data, not retried
                for key, value in (("batch", int(index)), ("documents", 0), ("sentences", 0), ("dimension", 0),
                                   ("seconds", 0.0), ("error", str(error))):
                    out[key].append(value)
                continue
            name = part_name(int(index))
            staging = self.directory / ".staging" / f"{name}-{uuid.uuid4().hex[:8]}"
            write_parts(analysed, staging, name, self.precision)
            for table in ("sentences", "documents"):  # a retried batch replaces its part, whole
                os.replace(staging / table / f"{name}.parquet", self.directory / table / f"{name}.parquet")
            shutil.rmtree(staging, ignore_errors=True)
            out["batch"].append(int(index))
            out["documents"].append(len(analysed.documents))
            out["sentences"].append(int(analysed.size))
            out["dimension"].append(int(analysed.dimension))
            out["seconds"].append(time.perf_counter() - started)
            out["error"].append("")
        return out


def part_name(index: int) -> str:
    return f"part-{index:06d}"


# ----- driving and committing -----

def _worker_env(threads: int) -> dict[str, str]:
    env = dict(settings.OFFLINE_ENV)
    env.update({key: str(threads) for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")})
    env["ASSISTANT_BUILD_THREADS"] = str(threads)
    env["ASSISTANT_ENCODER"] = settings.encoder_runtime()  # the workers encode as the driver would
    return env


def start(address: str = "local", threads: int = 1, num_cpus: int | None = None) -> bool:
    """Connect to Ray (``"local"``: start an instance of ``num_cpus`` CPUs, default all); True if this call
    started it (and so must shut it down). A process that holds a Ray session already keeps it."""
    import ray

    if ray.is_initialized():  # a notebook or a test that holds a Ray session already: use it, leave it running
        return False
    runtime_env = {"env_vars": _worker_env(threads)}
    try:
        if address == "local":
            ray.init(
                num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                logging_level="ERROR", runtime_env=runtime_env, configure_logging=True,
            )
        else:
            _check_reachable(address)
            ray.init(address=address, log_to_driver=False, logging_level="ERROR", runtime_env=runtime_env)
    except AssistantError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to join is one line for the user
        where = "a local Ray instance" if address == "local" else f"the Ray cluster at {printable(address)}"
        raise AssistantError(
            f"cannot start or join {where} ({type(exc).__name__}: {_first_line(exc)}); "
            f"start one with `ray start --head`, or use --ray local."
        ) from None
    return True


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds, not minutes, when nothing listens at ``host:port`` (Ray itself retries for a long time)."""
    import socket

    if address == "auto" or "://" in address and not address.startswith("ray://"):
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise AssistantError(
            f"--ray takes 'local', 'auto' or a cluster address HOST:PORT (e.g. 10.0.0.5:6379), not {printable(address)}."
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise AssistantError(
            f"no Ray cluster answers at {printable(address)} ({exc.strerror or type(exc).__name__}); "
            f"start one with `ray start --head` there, or use --ray local."
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return printable(text[0] if text else type(exc).__name__, 200)


def _innermost(exc: BaseException) -> BaseException:
    """The error at the bottom of Ray's wrappers (``RayTaskError.cause``, ``__cause__``)."""
    seen = {id(exc)}
    while True:
        inner = getattr(exc, "cause", None) or exc.__cause__
        if not isinstance(inner, BaseException) or id(inner) in seen:
            return exc
        seen.add(id(inner))
        exc = inner


def _run_failed(exc: BaseException) -> AssistantError:
    inner = _innermost(exc)
    if type(inner) is AssistantError:
        return AssistantError(f"{inner} Nothing was written.")
    return AssistantError(f"the Ray run failed ({type(inner).__name__}: {_first_line(inner)}); nothing was written.")


def _verify_parts(tmp: Path, reports: dict[int, dict[str, int]], planned: int) -> None:
    """Every planned batch reported once and left parts holding the rows it counted."""
    import pyarrow.parquet as pq

    if sorted(reports) != list(range(planned)):
        missing = sorted(set(range(planned)) - set(reports))
        raise AssistantError(f"the Ray run ended without {len(missing)} of {planned} batches; nothing was written.")
    for index, report in reports.items():
        name = part_name(index)
        for table, key in (("documents", "documents"), ("sentences", "sentences")):
            path = tmp / table / f"{name}.parquet"
            try:
                rows = pq.read_metadata(path).num_rows
            except OSError:
                rows = -1
            if rows != report[key]:
                raise AssistantError(
                    f"the Ray run left {printable(path)} incomplete ({rows} rows, {report[key]} expected); "
                    f"nothing was written. Is the output folder on a file system every node shares?"
                )


def analyse_on_ray(
    sources: list[Path],
    out: Path,
    model: str,
    address: str,
    progress: Progress | None = None,
    workers: int | None = None,
    stats: dict[str, float] | None = None,
) -> tuple[int, int, float]:
    """Analyse ``sources`` into the analysed form at ``out`` on Ray (``address``: ``"local"`` or a cluster).

    ``workers`` is the size of the actor pool (default: the cluster's CPUs). Returns (documents, sentences,
    seconds), the seconds counting Ray's start. ``stats``, if given, receives the timings of the run's stages
    (for scripts/ray_benchmark.py)."""
    from .analysis import default_precision

    say = progress or (lambda fraction, message: None)
    started = time.perf_counter()
    out = Path(out)
    precision = default_precision(model)  # decided once by the driver, as a local run decides it
    check_out(out, sources)  # the local run's rule: only a folder analyse wrote, apart from the sources
    if address != "local" and not ray.is_initialized():
        _check_reachable(address)  # before reading a large archive
    planned = plan(sources)
    say(0.01, f"{len(planned)} document(s) to analyse on Ray ({'a local instance' if address == 'local' else address})")

    tmp = out.parent / f".{out.name}.analysing-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    owns_ray = False
    try:
        ray_started = time.perf_counter()
        owns_ray = start(address, threads=1)
        ray_seconds = time.perf_counter() - ray_started
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        pool = max(1, min(workers or cpus, cpus))
        cut = batches(planned, pool)
        pool = min(pool, len(cut))
        say(0.02, f"Ray ready in {ray_seconds:.1f} s: {pool} worker(s), {len(cut)} batch(es)")

        (tmp / "documents").mkdir(parents=True)
        (tmp / "sentences").mkdir(parents=True)
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # our progress line replaces Ray Data's chatter
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        items = [{"batch": i, "items": json.dumps(b)} for i, b in enumerate(cut)]
        with warnings.catch_warnings():  # max_restarts/max_task_retries are still passed as Ray remote args
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
                Analyser,
                fn_constructor_kwargs={
                    "model": model, "directory": str(tmp.absolute()), "threads": 1,
                    "fail_once": os.environ.get(FAIL_ONCE_ENV) or None, "encoder": settings.encoder_runtime(),
                    "precision": precision,
                },
                batch_size=1, compute=ray.data.ActorPoolStrategy(size=pool), num_cpus=1, batch_format="numpy",
                max_restarts=RETRIES, max_task_retries=RETRIES,
            )
        reports: dict[int, dict[str, int]] = {}
        docs_done = sentences_done = 0
        dimension = 0
        busy = 0.0
        first_result: float | None = None
        analysis_started = time.perf_counter()
        try:
            for row in dataset.iter_rows():
                if row["error"]:
                    raise AssistantError(f"{row['error']} Nothing was written.")
                index = int(row["batch"])
                previous = reports.get(index, {"documents": 0, "sentences": 0})  # a batch reports once; be safe
                reports[index] = {"documents": int(row["documents"]), "sentences": int(row["sentences"])}
                dimension = int(row["dimension"])
                docs_done += reports[index]["documents"] - previous["documents"]
                sentences_done += reports[index]["sentences"] - previous["sentences"]
                busy += float(row["seconds"])
                if first_result is None:
                    first_result = time.perf_counter() - analysis_started
                rate = sentences_done / max(1e-9, time.perf_counter() - analysis_started)
                say(0.02 + 0.95 * docs_done / len(planned),
                    f"{docs_done}/{len(planned)} documents, {sentences_done:,} sentences ({rate:.0f} sentences/s"
                    f"{f'; Ray started in {ray_seconds:.1f} s' if len(reports) == 1 else ''})")
        except AssistantError:
            raise
        except Exception as exc:  # noqa: BLE001 - Ray wraps worker failures in many types
            raise _run_failed(exc) from None
        analysis_seconds = time.perf_counter() - analysis_started
        _verify_parts(tmp, reports, len(cut))
        shutil.rmtree(tmp / ".staging", ignore_errors=True)
        from .analysed import publish_directory, write_header

        write_header(tmp, model, dimension)
        publish_directory(tmp, out, sources)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if owns_ray:
            ray.shutdown()
    seconds = time.perf_counter() - started
    if stats is not None:
        stats.update({
            "ray_start_seconds": ray_seconds, "analysis_seconds": analysis_seconds, "first_batch_seconds": first_result or 0.0,
            "worker_busy_seconds": busy, "workers": pool, "batches": len(cut), "seconds": seconds,
        })
    say(1.0, "done")
    return len(planned), sentences_done, seconds
