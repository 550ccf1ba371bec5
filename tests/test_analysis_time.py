"""``assistant analyse`` says where its time went (assistant/pipeline/stages.py); texts written for the test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.pipeline.stages import STAGES, Split


def test_the_split_line_names_every_stage_with_its_share() -> None:
    split = Split()
    split.add("parse", 3.0)
    split.add("encode", 1.0)
    with split.timing("write"):
        pass
    assert split.line().startswith("time: read 0.0 s (0%), parse 3.0 s (75%), attribute 0.0 s (0%), encode 1.0 s (25%), write 0.0 s")
    split.reset()
    assert set(split.seconds) == set(STAGES) and not any(split.seconds.values())


def test_analyse_prints_the_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.app import cli

    source = tmp_path / "mill.txt"
    source.write_text("The old mill\n\nThe mill closed in May. “We will reopen in spring,” the owner, Ada Kerr, said.\n",
                      encoding="utf-8")
    assert cli.main(["analyse", str(source), "--out", str(tmp_path / "analysed")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2].startswith("analysed 1 document(s), ")
    assert re.fullmatch(r"time: read [\d.]+ s \(\d+%\), parse [\d.]+ s \(\d+%\), attribute [\d.]+ s \(\d+%\), "
                        r"encode [\d.]+ s \(\d+%\), write [\d.]+ s \(\d+%\)", lines[-1]), lines[-1]
