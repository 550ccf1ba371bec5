"""The hostile-input figures for the README's reliability table, measured: every case of ``tests/hostile_cases.py``
run once through the Python API and timed, grouped by input class, and the bounded-growth classes of
``tests/test_bounded_attribution.py`` measured at their 4 sizes.

    python scripts/hostile_report.py              # a few minutes on 2 cores; torch on 1 thread
    python scripts/hostile_report.py --no-growth  # only the cases

For each class: the cases, the attempts the test suite makes with them (one per layer it runs them through: Python
API, CLI, web API or the page's handler, as ``tests/test_hostile.py`` parametrizes them), how many held here (the
expected answer or one-line message; an invalid upload leaves the index byte for byte unchanged), and the slowest
case. The red-team classes of issue 22: hostile analysed forms (``IMPORT_CASES``, read as ``import`` reads them)
and hostile ``analyse --out`` folders (``OUT_CASES``, refused before any work). Questions are asked of an index of the bundled article; uploads are built with ``Assistant.build`` into a
copy of it (the page's pasted-text cases: the page's ``read_uploads``, then ``Assistant.build_documents``). For the
growth classes: the time at the largest size and the growth per doubling (linear work: about 2; the tests fail at 3).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
import tempfile
import time
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("ASSISTANT_THREADS", "1")
os.environ.setdefault("ASSISTANT_BUILD_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_cases as hc  # noqa: E402 - after the test folder is on the path

HUNDRED_MB_ATTEMPTS = 2
"""``test_100_mb_question_is_refused_at_once``: the API and the CLI."""

ISSUE_5_UPLOADS = {
    "empty-file": "empty texts", "whitespace-file": "empty texts", "date-header-only": "empty texts",
    "binary-png": "binary data and encodings", "utf16-text": "binary data and encodings",
    "random-bytes": "binary data and encodings", "utf8-surrogate-bytes": "binary data and encodings",
    "latin-1": "binary data and encodings", "one-bad-among-good": "binary data and encodings",
    "huge-file": "limits", "too-many-files": "limits", "wrong-extension": "file types",
    "dotdot-name": "hostile file names", "backslash-dotdot-name": "hostile file names",
    "html-file-name": "hostile file names", "long-name-collision": "hostile file names",
    "xss-article": "markup and escapes in texts", "escape-sequences": "markup and escapes in texts",
    "pasted-xss": "markup and escapes in texts", "pasted-control-chars": "markup and escapes in texts",
    "crlf-and-bom": "bytes and line ends", "pasted-lone-surrogate": "bytes and line ends",
    "punctuation-only": "empty texts", "three-hundred-files": "many files",
    "pasted-traversal-title": "hostile file names", "pasted-long-title": "hostile file names",
}
"""The issue-5 uploads have no section comments in ``hostile_cases.py``: their classes are named here."""


def section_comments() -> dict[str, str]:
    """Case id → the section comment above it in ``hostile_cases.py`` (the text before its first ':')."""
    source = Path(hc.__file__)
    comments = []
    with tokenize.open(source) as handle:
        for token in tokenize.generate_tokens(handle.readline):
            if token.type == tokenize.COMMENT and token.line.strip().startswith("#"):
                comments.append((token.start[0], token.string.lstrip("# ").strip()))
    found: dict[str, str] = {}
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.value, ast.List):
            continue
        start = node.lineno
        for element in node.value.elts:
            if isinstance(element, ast.Call) and element.args and isinstance(element.args[0], ast.Constant):
                above = [text for line, text in comments if start < line < element.lineno]
                if above:
                    found[element.args[0].value] = above[-1].split(":")[0].split(" (")[0]
    return found


def question_class(case: hc.Ask, comment: str) -> str:
    if case.id.startswith("k-"):
        return "k (passages per answer)"
    if case.id.startswith("speaker-"):
        return "speaker filters"
    if case.id == "1mb-question":
        return "long"
    if case.id == "question-hangul-filler":
        return "empty and white space"
    if case.id.startswith("question-"):
        return "unicode oddities"
    return {"markdown that would load remote images or make links": "markdown images and links"}.get(comment, comment)


@dataclass
class Row:
    name: str
    cases: int = 0
    attempts: int = 0
    held: int = 0
    failed: list[str] = field(default_factory=list)
    worst: float = 0.0
    worst_case: str = ""

    def add(self, case_id: str, attempts: int, seconds: float, problem: str | None) -> None:
        self.cases += 1
        self.attempts += attempts
        if problem is None:
            self.held += 1
        else:
            self.failed.append(f"{case_id}: {problem}")
        if seconds >= self.worst:
            self.worst, self.worst_case = seconds, case_id


def run_question(assistant, texts: dict[str, str], case: hc.Ask) -> tuple[float, str | None]:
    from assistant import AssistantError

    expected = case.expected("api")
    started = time.perf_counter()
    try:
        answer = assistant.ask(case.question, k=case.k, speaker=case.speaker)
        outcome: tuple[str, object] = ("answer", answer)
    except AssistantError as error:
        outcome = ("error", str(error))
    seconds = time.perf_counter() - started
    try:
        if expected is not None:
            assert outcome[0] == "error", "answered where a message was expected"
            hc.check_one_line_message(str(outcome[1]), expected)
        else:
            assert outcome[0] == "answer", f"message where an answer was expected: {outcome[1]}"
            hc.check_answer(outcome[1].to_dict(), texts, case.k)  # type: ignore[union-attr]
    except AssertionError as problem:
        return seconds, str(problem)[:200]
    return seconds, None


def run_upload(case: hc.Upload, built: Path, work: Path) -> tuple[float, str | None]:
    from assistant import Assistant, AssistantError
    from assistant.app.ui import read_uploads  # imported before the clock starts (it loads gradio)

    index = work / "index"
    shutil.copytree(built, index)
    paths = hc.write_uploads(case, work / "uploads")
    before = hc.tree_digest(index)
    started = time.perf_counter()
    try:
        if "api" in case.layers:
            Assistant.build(paths, index)
        else:  # pasted text: the page's reading, then the API
            Assistant.build_documents(read_uploads([str(p) for p in paths], case.pasted, case.title), index)
        outcome: tuple[str, str] = ("built", "")
    except AssistantError as error:
        outcome = ("error", str(error))
    seconds = time.perf_counter() - started
    try:
        if case.error is not None:
            assert outcome[0] == "error", "built where a message was expected"
            hc.check_one_line_message(outcome[1], case.error)
            assert hc.tree_digest(index) == before, "an invalid upload changed the index"
        else:
            assert outcome[0] == "built", f"message where a build was expected: {outcome[1]}"
            assistant = Assistant.load(index)
            documents = {d.id: assistant.document(d.id) for d in assistant.documents()}
            assert set(case.expect_ids) <= set(documents), sorted(documents)[:5]
            for doc_id, date in case.expect_dates:
                assert documents[doc_id].date == date, (doc_id, documents[doc_id].date)
            answer = assistant.ask(case.question, k=5)
            hc.check_answer(answer.to_dict(), {i: d.text for i, d in documents.items()}, 5)
            if case.expect_in_passages is not None:
                assert any(case.expect_in_passages in p.text for p in answer.passages), "expected passage missing"
    except AssertionError as problem:
        return seconds, str(problem)[:200]
    return seconds, None


def run_import(case: hc.Import, work: Path) -> tuple[float, str | None]:
    """A hostile analysed form (issue 22) read as ``import`` reads it: refused with its one-line message."""
    from assistant import AssistantError
    from assistant.pipeline import analysed as analysed_form

    folder = hc.write_import_case(case, work / "form")
    started = time.perf_counter()
    try:
        analysed_form.read(folder)
        return time.perf_counter() - started, "imported where a message was expected"
    except AssistantError as error:
        seconds = time.perf_counter() - started
        try:
            hc.check_one_line_message(str(error), case.error)
        except AssertionError as problem:
            return seconds, str(problem)[:200]
    return seconds, None


def run_out(case: hc.Out, work: Path) -> tuple[float, str | None]:
    """A hostile ``analyse --out`` (issue 22): refused before any work, the folder byte for byte as it was."""
    from assistant import AssistantError, analyse

    work.mkdir(parents=True)
    sources, out = case.setup(work)
    before = hc.tree_digest(work)
    started = time.perf_counter()
    try:
        analyse(sources, out)
        return time.perf_counter() - started, "analysed where a message was expected"
    except AssistantError as error:
        seconds = time.perf_counter() - started
        try:
            hc.check_one_line_message(str(error), case.error)
            assert hc.tree_digest(work) == before, "the refused run changed the folder"
        except AssertionError as problem:
            return seconds, str(problem)[:200]
    return seconds, None


OUT_ATTEMPTS = 2
"""``tests/test_red_team.py`` runs every ``analyse --out`` case locally and on Ray."""


def cases_report() -> list[Row]:
    from assistant import Assistant, AssistantError
    from assistant.speech.attribution import attribute_text
    from assistant.text.documents import bundled_article

    comments = section_comments()
    rows: dict[str, Row] = {}
    with tempfile.TemporaryDirectory(prefix="assistant-hostile-") as tmp:
        built = Path(tmp) / "built" / "index"
        Assistant.build([bundled_article()], built)
        assistant = Assistant.load(built)
        assistant.warm_up()
        attribute_text("\u201cWarm up,\u201d she said.")
        texts = {d.id: assistant.document(d.id).text for d in assistant.documents()}
        hc.CANARY.unlink(missing_ok=True)
        for case in hc.ASK_CASES:
            name = "question: " + question_class(case, comments.get(case.id, "other"))
            seconds, problem = run_question(assistant, texts, case)
            rows.setdefault(name, Row(name)).add(case.id, len(case.layers), seconds, problem)
        name = "question: long"
        started = time.perf_counter()
        try:
            assistant.ask("hackers " * 12_500_000)
            problem: str | None = "a 100 MB question was answered"
        except AssistantError as error:
            problem = None if "the limit is 2,000" in str(error) else str(error)[:200]
        rows[name].add("100-mb-question", HUNDRED_MB_ATTEMPTS, time.perf_counter() - started, problem)
        for n, case in enumerate(hc.UPLOAD_CASES):
            label = ISSUE_5_UPLOADS.get(case.id) or comments.get(case.id, "other")
            label = {"invisible-only texts are refused like empty ones": "invisible-only texts"}.get(label, label)
            name = "upload: " + label
            seconds, problem = run_upload(case, built, Path(tmp) / f"case-{n}")
            shutil.rmtree(Path(tmp) / f"case-{n}", ignore_errors=True)
            rows.setdefault(name, Row(name)).add(case.id, len(case.layers), seconds, problem)
        for n, case in enumerate(hc.IMPORT_CASES):
            name = "import: " + comments.get(case.id, "other")
            seconds, problem = run_import(case, Path(tmp) / f"import-{n}")
            shutil.rmtree(Path(tmp) / f"import-{n}", ignore_errors=True)
            rows.setdefault(name, Row(name)).add(case.id, 1, seconds, problem)
        for n, case in enumerate(hc.OUT_CASES):
            name = "analyse --out: " + comments.get(case.id, "other")
            seconds, problem = run_out(case, Path(tmp) / f"out-{n}")
            shutil.rmtree(Path(tmp) / f"out-{n}", ignore_errors=True)
            rows.setdefault(name, Row(name)).add(case.id, OUT_ATTEMPTS, seconds, problem)
        if hc.CANARY.exists():
            rows["question: SQL- and shell-looking"].failed.append("a shell-looking question ran a command")
    return list(rows.values())


def growth_report() -> list[tuple[str, list[int], list[float], float, float]]:
    """(class, sizes, seconds per size, seconds at the largest size, growth per doubling) of every bounded-growth test."""
    import test_bounded_attribution as tb

    from assistant.speech.attribution import attribute_text
    from assistant.text.sentences import split_sentences
    from assistant.speech.names import People

    attribute_text("\u201cWarm up,\u201d she said.")
    measured = []

    def record(name: str, work, sizes: list[int], repeat: int) -> None:
        ratio, times = tb.growth(work, sizes, repeat=repeat)
        measured.append((name, sizes, times, times[-1], ratio))

    sizes = [2_000, 4_000, 8_000, 16_000]
    for case in sorted(tb.TEXTS):
        record(f"attribution: {case}", lambda n, make=tb.TEXTS[case]: attribute_text(make(n)), sizes, 1)
    for case in sorted(tb.SEGMENT_TEXTS):
        record(f"segmentation: {case}", lambda n, make=tb.SEGMENT_TEXTS[case]: split_sentences(make(n)),
               [20_000, 40_000, 80_000, 160_000], 2)

    def register(n: int) -> None:
        people = People()
        for name in tb._names(n):
            people.add_full(name, name, ["mayor"])
            people.lookup(name.split()[-1])
            people.with_role({"mayor"})[:1]

    record("names: distinct people registered (names)", register, [2_500, 5_000, 10_000, 20_000], 2)
    record("attribution: many distinct names in a text",
           lambda n: attribute_text(" ".join(f"{name} said it was fine." for name in tb._names(n // 30))), sizes, 1)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-growth", action="store_true", help="skip the bounded-growth measurements")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = cases_report()
    cases = sum(r.cases for r in rows)
    attempts = sum(r.attempts for r in rows)
    held = sum(r.held for r in rows)
    print(f"Hostile cases: {cases} cases in {len(rows)} classes; the tests make {attempts} attempts with them "
          f"(API, CLI, web); run here through the API: {held} held, {cases - held} failed.\n")
    print("| input class | cases | attempts in the tests | held / failed (API run) | worst case (API) |")
    print("|---|---|---|---|---|")
    order = ("question", "upload", "import", "analyse")
    for row in sorted(rows, key=lambda r: (next((i for i, o in enumerate(order) if r.name.startswith(o)), 9), r.name)):
        print(f"| {row.name} | {row.cases} | {row.attempts} | {row.held} / {len(row.failed)} | "
              f"{row.worst * 1000:,.0f} ms ({row.worst_case}) |")
    for row in rows:
        for failure in row.failed:
            print(f"FAILED {row.name}: {failure}")
    if not args.no_growth:
        measured = growth_report()
        limit = 3.0
        print(f"\nBounded growth: {len(measured)} classes, each timed at 4 sizes (x2 each); the tests fail at x{limit:g} "
              "per doubling (quadratic work is x4).\n")
        print("| growth class | sizes | time at each size | at the largest | per doubling | held |")
        print("|---|---|---|---|---|---|")
        for name, sizes, times, largest, ratio in measured:
            unit = "names" if name.startswith("names") else "characters"
            each = " / ".join(f"{t * 1000:,.0f}" for t in times)
            print(f"| {name.replace(' (names)', '')} | {sizes[0]:,}–{sizes[-1]:,} {unit} | {each} ms | "
                  f"{largest * 1000:,.0f} ms | x{ratio:.2f} | {'yes' if ratio < limit else 'NO'} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
