"""Bounded work (issue 12): attribution and segmentation take time linear in the text on adversarial input.

Each case is timed at 4 sizes, each double the last; the test asserts the growth per doubling (the geometric mean
of the 3 ratios), not a wall clock: linear work doubles (ratio ~2), quadratic work quadruples (ratio ~4). The
threshold 3.0 leaves room for a loaded machine. Each size is timed as the best of `repeat` runs with the garbage
collector collected before and paused during the run: a CI run once saw one run of 16k nested quotation marks take
0.49 s against 0.05 s at 8k (x3.01), a pause that did not recur in reruns here (0.14-0.16 s at 16k); a collection pause
or a neighbour's burst is not growth. The worst cases before the fix: 20k nested quotation marks took
minutes in spaCy's tokenizer; a closing mark after balanced pairs, quotes looked up per sentence, and people looked
up by a scan per name grew quadratically.
"""

from __future__ import annotations

import gc
import random
import time
from typing import Callable

import pytest

from assistant.speech.attribution import attribute_text
from assistant.text.sentences import split_sentences
from assistant.speech.names import People

LIMIT = 3.0


def growth(work: Callable[[int], object], sizes: list[int], repeat: int = 2) -> tuple[float, list[float]]:
    times = []
    for n in sizes:
        best = float("inf")
        for _ in range(repeat):
            gc.collect()
            gc.disable()
            try:
                started = time.perf_counter()
                work(n)
                best = min(best, time.perf_counter() - started)
            finally:
                gc.enable()
        times.append(max(best, 1e-4))
    per_doubling = (times[-1] / times[0]) ** (1 / (len(sizes) - 1))
    return per_doubling, times


def _names(n: int) -> list[str]:
    rng = random.Random(n)
    syllables = "ka lo mi ren ta vos bel dar en ith or ul sa ne".split()
    return [" ".join(("".join(rng.choice(syllables) for _ in range(3)).capitalize() + str(i // 10_000)
                      if k else rng.choice(["Anna", "Peter", "Maria", "John"])) for k in range(2))
            for i in range(n)]


TEXTS: dict[str, Callable[[int], str]] = {
    "nested quotation marks": lambda n: "“‘" * (n // 2),
    "straight quotation marks": lambda n: '"' * n,
    "quoted words": lambda n: "“a " * (n // 3),
    "closing marks": lambda n: "a” " * (n // 3),
    "one paragraph of quotations": lambda n: "“We will win,” he said. " * (n // 24),
    "a name-only cue sentence repeated": lambda n: "“John Smith said” it. " * (n // 22),
}


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    attribute_text("“Warm up,” she said.")


@pytest.mark.parametrize("case", sorted(TEXTS))
def test_attribution_grows_linearly(case: str) -> None:
    make = TEXTS[case]
    ratio, times = growth(lambda n: attribute_text(make(n)), [2_000, 4_000, 8_000, 16_000])
    assert ratio < LIMIT, f"{case}: {['%.3f' % t for t in times]} s, x{ratio:.2f} per doubling"


SEGMENT_TEXTS: dict[str, Callable[[int], str]] = {
    "full stops": lambda n: "a. " * (n // 3),
    "titles": lambda n: "Mr. " * (n // 4),
    "newlines": lambda n: "word\n" * (n // 5),
    "quotation marks": lambda n: "“‘" * (n // 2),
    "one long line": lambda n: "x" * n,
}


@pytest.mark.parametrize("case", sorted(SEGMENT_TEXTS))
def test_segmentation_grows_linearly(case: str) -> None:
    make = SEGMENT_TEXTS[case]
    ratio, times = growth(lambda n: split_sentences(make(n)), [20_000, 40_000, 80_000, 160_000])
    assert ratio < LIMIT, f"{case}: {['%.3f' % t for t in times]} s, x{ratio:.2f} per doubling"


def test_people_registry_grows_linearly() -> None:
    """Tens of thousands of distinct names: each lookup is an index hit, not a scan of everyone seen so far."""
    def register(n: int) -> None:
        people = People()
        for name in _names(n):
            people.add_full(name, name, ["mayor"])
            people.lookup(name.split()[-1])
            people.with_role({"mayor"})[:1]

    ratio, times = growth(register, [2_500, 5_000, 10_000, 20_000])
    assert ratio < LIMIT, f"{['%.3f' % t for t in times]} s, x{ratio:.2f} per doubling"


def test_many_distinct_names_in_a_text() -> None:
    def run(n: int) -> None:
        attribute_text(" ".join(f"{name} said it was fine." for name in _names(n // 30)))

    ratio, times = growth(run, [2_000, 4_000, 8_000, 16_000])
    assert ratio < LIMIT, f"{['%.3f' % t for t in times]} s, x{ratio:.2f} per doubling"
