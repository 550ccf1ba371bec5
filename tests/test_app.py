"""The web app: launched on a free port in its own process; its API endpoint `ask` returns the Answer object."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(built_index: Path):
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--index", str(built_index), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app exited: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("app did not serve a page within 120 s")
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_page_is_served_on_loopback(app_url: str):
    with urllib.request.urlopen(app_url, timeout=10) as response:
        page = response.read().decode("utf-8", "replace")
    assert "Article assistant" in page
    assert app_url.startswith("http://127.0.0.1:")


def test_gradio_client_ask_returns_the_answer_object(app_url: str):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    answer = client.predict("What did Putin say about hackers?", 3, None, api_name="/ask")
    assert list(answer) == ["question", "answer", "found", "passages"]
    assert answer["found"] is True
    assert len(answer["passages"]) == 3
    first = answer["passages"][0]
    assert "Hackers can be anywhere" in first["text"]
    assert "Putin" in first["speaker"] and first["attribution"] == "direct"


def test_gradio_client_found_and_speaker_questions(app_url: str):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    outside = client.predict("What is the capital of France?", 3, None, api_name="/ask")
    assert outside["found"] is False and outside["answer"].startswith("Nothing in the texts answers")
    assert len(outside["passages"]) == 3  # the closest sentences, marked in the reply as not answering
    unquoted = client.predict("What did Trump say?", 3, None, api_name="/ask")
    assert unquoted["found"] is False and "not quoted" in unquoted["answer"]
    assert all("Trump" in p["text"] for p in unquoted["passages"])
    putin = client.predict("What did the Russian leader say about hackers?", 3, None, api_name="/ask")
    assert putin["found"] is True and {p["speaker"] for p in putin["passages"]} == {"Vladimir Putin"}


def test_gradio_client_bad_question_is_a_clear_error(app_url: str):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    with pytest.raises(Exception) as error:
        client.predict("   ", 3, None, api_name="/ask")
    assert "empty" in str(error.value)


def test_damaged_index_is_a_visible_message_not_a_crash(tmp_path: Path, built_index: Path):
    import shutil

    from gradio_client import Client

    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    vectors = next(index.glob("segments/*/vectors.npy"))
    vectors.write_bytes(b"garbage")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--index", str(index), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "config", timeout=2) as response:
                    config = response.read().decode("utf-8", "replace")
                    break
            except OSError:
                assert process.poll() is None, "the app crashed on a damaged index"
                assert time.time() < deadline, "the app did not start"
                time.sleep(0.5)
        assert "The index cannot be used" in config and "damaged segments/" in config
        assert "assistant build" in config
        with pytest.raises(Exception) as error:
            Client(url, verbose=False).predict("What did Putin say?", 3, None, api_name="/ask")
        assert "damaged segments/" in str(error.value)
    finally:
        process.terminate()
        process.wait(20)
