"""Many clients at once through gradio_client, with a rebuild from the CLI in the middle (a short run of
scripts/load_test.py; the 60-second, 32-client run is a separate command, its figures in the README)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from load_test import load_test  # noqa: E402


def test_concurrent_clients_and_rebuild_under_load(tmp_path: Path, built_index: Path):
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    report = load_test(index, clients=8, seconds=15, rebuild_after=1.0)
    print(report.summary())
    assert report.results
    assert report.errors == 0, report.summary()
    assert report.mismatches == 0, report.summary()
    assert report.rebuild_finished is not None, "the rebuild did not finish during the load"
    after = [r for r in report.results if r.started > report.rebuild_finished + 1.0]
    assert after, "no question was asked after the rebuild finished"
    assert report.stale_after_rebuild == 0, report.summary()
