"""Where the time of an analysis went: read, parse, attribute, encode, write (``assistant analyse`` prints it).

The steps add their seconds to :data:`SPLIT` as they run in this process; spaCy's share of the attribution comes
from :data:`assistant.speech.nlp.PARSE_TIME`, so "attribute" is the attribution's own rules without the parse. A
Ray run does its work in other processes and reports no split.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

STAGES = ("read", "parse", "attribute", "encode", "write")
"""The steps of an analysis in the order they run."""


T = TypeVar("T")


@dataclass
class Split:
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - started)

    def timed_iter(self, stage: str, items: Iterable[T]) -> Iterator[T]:
        """``items`` as they come, the time spent producing each counted to ``stage`` (a stream read lazily)."""
        iterator = iter(items)
        while True:
            started = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                self.add(stage, time.perf_counter() - started)
                return
            self.add(stage, time.perf_counter() - started)
            yield item

    def reset(self) -> None:
        self.seconds = dict.fromkeys(STAGES, 0.0)

    def line(self) -> str:
        """``time: read 0.1 s (1%), parse 30.2 s (62%), …``"""
        total = sum(self.seconds.values()) or 1.0
        return "time: " + ", ".join(
            f"{stage} {self.seconds.get(stage, 0.0):.1f} s ({100 * self.seconds.get(stage, 0.0) / total:.0f}%)" for stage in STAGES
        )


SPLIT = Split()
"""The split of the analyses run in this process since the last :meth:`Split.reset`."""
