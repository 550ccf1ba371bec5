"""Every CLI failure is one line on stderr with exit code 2, paths printed safely, never a traceback (issue 12)."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app import cli
from assistant.errors import AssistantError


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code: int, out: str, err: str) -> str:
    assert code == 2, (code, out[:300], err[:300])
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert not any(ch in err[:-1] for ch in "\x1b\x07\r\u202e\x00"), repr(err)
    return err.strip()


def test_attribute_on_a_folder(capsys, tmp_path: Path):
    assert "is a folder" in one_line(*run(capsys, ["attribute", str(tmp_path)]))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_attribute_and_build_on_a_link_to_dev_zero(capsys, tmp_path: Path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    assert "is a device" in one_line(*run(capsys, ["attribute", str(tmp_path / "zero.txt")]))
    assert "is a device" in one_line(*run(capsys, ["build", str(tmp_path), "--index", str(tmp_path / "i")]))
    assert not (tmp_path / "i").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_attribute_on_a_fifo_never_hangs(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "assistant", "attribute", str(fifo)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "FIFO" in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_escape_sequences_and_newlines_in_a_file_name_are_escaped(capsys, tmp_path: Path):
    name = tmp_path / "x\x1b]52;c;aGk=\x07\x1b[2J\nerror: all fine\u202e.txt"
    message = one_line(*run(capsys, ["attribute", str(name)]))
    assert "\\x1b]52;c;aGk=\\x07\\x1b[2J\\nerror: all fine\\u202e.txt does not exist" in message


def test_a_non_utf8_file_name(tmp_path: Path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as f:
        f.write(b"\xff\xfe not text")
    result = subprocess.run([sys.executable, "-m", "assistant", "attribute", raw], capture_output=True, timeout=60)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "caf\\xe9.txt" in err


def test_a_non_utf8_index_path(tmp_path: Path):
    raw = os.fsencode(tmp_path) + b"/ind\xe9x"
    result = subprocess.run([sys.executable, "-m", "assistant", "ask", "hackers?", "--index", raw],
                            capture_output=True, timeout=120)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err


@pytest.mark.parametrize("port", ["0", "70000", "-5"])
def test_serve_on_an_invalid_port(capsys, port):
    assert "--port must be a number from 1 to 65535" in one_line(*run(capsys, ["serve", "--port", port]))


def test_serve_on_a_busy_port(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        message = one_line(*run(capsys, ["serve", "--port", str(port)]))
    assert f"port {port}: it is already in use; choose another with --port" in message


def test_serve_on_an_unknown_host(capsys):
    message = one_line(*run(capsys, ["serve", "--host", "no-such-host.invalid\x1b[2J", "--allow-remote"]))
    assert "not a known host name or address" in message and "\\x1b[2J" in message


@pytest.mark.parametrize(
    "error, fragment",
    [
        (OSError(errno.ENOSPC, "No space left on device", "/tmp/idx/x\n.bin"), "the disk is full"),
        (PermissionError(errno.EACCES, "Permission denied", "/ro/index"), "permission denied: /ro/index"),
        (OSError(errno.EROFS, "Read-only file system", "/ro"), "the file system is read-only"),
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "a\x1bb", None, "c"), "a\\x1bb -> c"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "not valid UTF-8"),
        (MemoryError(), "out of memory"),
        (ValueError("bad\nvalue"), "unexpected ValueError: bad\\nvalue"),
        (AssistantError("two\nlines \x1b[2J"), "two\\nlines \\x1b[2J"),
    ],
)
def test_any_failure_is_one_line_exit_2(capsys, monkeypatch, error, fragment):
    def fail(args):
        raise error

    monkeypatch.setitem(cli.COMMANDS, "speakers", fail)
    message = one_line(*run(capsys, ["speakers"]))
    assert fragment in message, message


def test_debug_shows_the_traceback_of_an_unexpected_error(capsys, monkeypatch):
    def fail(args):
        raise ValueError("boom")

    monkeypatch.setitem(cli.COMMANDS, "speakers", fail)
    monkeypatch.setenv("ASSISTANT_DEBUG", "1")
    with pytest.raises(ValueError, match="boom"):
        cli.main(["speakers"])


def test_broken_pipe_is_quiet(capsys, monkeypatch):
    def fail(args):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setitem(cli.COMMANDS, "speakers", fail)
    assert run(capsys, ["speakers"]) == (0, "", "")
