from pathlib import Path

import pytest

from assistant.text.documents import (
    bundled_article, decode, make_document, parse_header, read_document, read_documents, readable_title, unique_ids,
)
from assistant.errors import AssistantError


def test_leading_date_is_metadata_not_text():
    header = parse_header(" date 2017-06-05 An oft-published photo.")
    assert header.date == "2017-06-05"
    assert " date 2017-06-05 An oft-published photo."[header.body_start :] == "An oft-published photo."


def test_no_header_means_body_starts_at_zero():
    assert parse_header("Dated material follows.") == parse_header("Dated material follows.")
    assert parse_header("Dated material follows.").date is None
    assert parse_header("Dated material follows.").body_start == 0


def test_bundled_article_reads_with_date_and_title():
    document = read_document(bundled_article())
    assert document.id == "putin-nbc-2017-06-05"
    assert document.date == "2017-06-05"
    assert document.title


def test_markdown_heading_is_the_title():
    assert make_document("# Big news\n\nSomething happened.", "x").title == "Big news"
    assert readable_title("city_council-vote") == "City council vote"


@pytest.mark.parametrize(
    "data, message",
    [(b"\x00\x01\x02binary", "binary"), (b"caf\xe9 au lait", "not valid UTF-8")],
)
def test_undecodable_bytes_are_a_clear_error(data, message):
    with pytest.raises(AssistantError, match=message):
        decode(data, "x.txt")


def test_bom_is_dropped():
    assert decode("\ufeffHello.".encode("utf-8"), "x") == "Hello."


def test_empty_and_missing_files(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n ", encoding="utf-8")
    with pytest.raises(AssistantError, match="empty"):
        read_document(empty)
    with pytest.raises(AssistantError, match="does not exist"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(AssistantError, match="not a supported source file; the formats are .txt, .md, .html"):
        (tmp_path / "x.pdf").write_bytes(b"%PDF")
        read_document(tmp_path / "x.pdf")


def test_folder_without_texts_is_an_error(tmp_path: Path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(AssistantError, match="no source files"):
        read_documents([tmp_path])


def test_ids_are_unique_and_safe():
    assert unique_ids(["a", "a", "../../x", "a"]) == ["a", "a-2", "x", "a-3"]


# ----------------------------------------------------------------------------------------------------------------
# Issue 12: special files, dates, invisible texts, normalisation, ids that never collide silently, limits
# ----------------------------------------------------------------------------------------------------------------

import os
import socket
import stat
import threading
import time

from assistant import limits
from assistant.text.documents import clean_text, collect_files, id_notes, place_documents, read_bytes, slug, title_of
from assistant.errors import printable


def _in_thread(fn, timeout: float = 5.0):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it does not return in time."""
    result: dict = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as error:  # noqa: BLE001
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"{fn} blocked for more than {timeout} s"
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_symlink_to_dev_zero_is_refused_before_reading(tmp_path: Path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(AssistantError, match="is a device, not a text file"):
        _in_thread(lambda: read_document(link))
    with pytest.raises(AssistantError, match="is a device"):
        _in_thread(lambda: read_documents([tmp_path]))  # found in a folder: refused too, not silently skipped


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_and_never_hangs(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(AssistantError, match="FIFO"):
        _in_thread(lambda: read_document(fifo))
    with pytest.raises(AssistantError, match="FIFO"):
        _in_thread(lambda: read_documents([tmp_path]))


def test_socket_is_refused(tmp_path: Path):
    path = tmp_path / "s.txt"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(AssistantError, match="socket"):
            _in_thread(lambda: read_document(path))


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_device_given_directly_is_refused():
    with pytest.raises(AssistantError, match="not a supported|device"):
        read_document(Path("/dev/null"))
    with pytest.raises(AssistantError, match="device"):
        read_bytes(Path("/dev/zero"))


def test_folders_and_broken_links_are_one_clear_line(tmp_path: Path):
    (tmp_path / "notes.txt").mkdir()
    with pytest.raises(AssistantError, match="is a folder"):
        read_document(tmp_path / "notes.txt")
    with pytest.raises(AssistantError, match="is a folder"):
        read_document(tmp_path)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    with pytest.raises(AssistantError, match="broken link"):
        read_document(tmp_path / "gone.txt")
    with pytest.raises(AssistantError, match="broken link"):
        collect_files([tmp_path / "gone.txt"])


def test_symlink_loop_is_one_clear_line(tmp_path: Path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    with pytest.raises(AssistantError, match="cannot be read|does not exist|broken"):
        read_document(tmp_path / "a.txt")


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads everything")
def test_unreadable_file_and_folder(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("The mayor said no.", encoding="utf-8")
    secret.chmod(0)
    try:
        with pytest.raises(AssistantError, match="cannot be read: permission denied"):
            read_document(secret)
    finally:
        secret.chmod(0o600)
    locked = tmp_path / "locked"
    (locked / "inner").mkdir(parents=True)
    (locked / "inner" / "a.txt").write_text("The mayor said yes.", encoding="utf-8")
    (locked / "inner").chmod(0)
    try:
        with pytest.raises(AssistantError, match="cannot be read"):
            collect_files([locked])
    finally:
        (locked / "inner").chmod(0o700)


def test_symlink_to_a_regular_file_is_read(tmp_path: Path):
    target = tmp_path / "real.md"
    target.write_text("The clerk said the port closed.", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    assert read_document(tmp_path / "link.txt").text == "The clerk said the port closed."


def test_folder_links_are_not_followed_and_hidden_files_skipped(tmp_path: Path):
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_bytes(b"\x00\x01 macOS resource fork")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Git.", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path)  # would recurse for ever if followed
    assert collect_files([tmp_path]) == [tmp_path / "a.txt"]


def test_file_over_the_limit_is_refused_without_reading_it(tmp_path: Path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(AssistantError, match="limit is 5,000,000 bytes per file"):
        read_document(big)


def test_paste_obeys_the_file_limit():
    with pytest.raises(AssistantError, match="limit is 5,000,000 bytes"):
        make_document("a " * 2_500_001, "pasted-text", source="pasted.txt")
    with pytest.raises(AssistantError, match="bytes; the limit is 5,000,000"):
        make_document("é" * 2_500_001, "pasted-text")  # 2.5M characters, 5M+2 bytes
    started = time.perf_counter()
    with pytest.raises(AssistantError, match="limit"):
        make_document("x" * 100_000_000, "huge")  # refused on its length, no pass over it
    assert time.perf_counter() - started < 1.0


def test_sentence_limit_checked_up_front():
    text = "a. " * (limits.MAX_BUILD_SENTENCES + 1)
    with pytest.raises(AssistantError, match="sentences; the limit is 100,000"):
        make_document(text, "many")


def test_build_limits_files_bytes_sentences(tmp_path: Path, monkeypatch):
    for i in range(4):
        (tmp_path / f"n{i}.txt").write_text(f"Clerk {i} said hello. It rained.", encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_BUILD_FILES", 3)
    with pytest.raises(AssistantError, match="4 files were given; the limit is 3"):
        read_documents([tmp_path])
    monkeypatch.setattr(limits, "MAX_BUILD_FILES", 1000)
    monkeypatch.setattr(limits, "MAX_BUILD_BYTES", 50)
    with pytest.raises(AssistantError, match="bytes per build"):
        read_documents([tmp_path])
    monkeypatch.setattr(limits, "MAX_BUILD_BYTES", 10_000)
    monkeypatch.setattr(limits, "MAX_BUILD_SENTENCES", 10)
    with pytest.raises(AssistantError, match="sentences per build"):
        read_documents([tmp_path])


@pytest.mark.parametrize("date", ["2017-02-31", "9999-12-31", "2017-13-01", "0000-01-01", "1799-12-31", "2101-01-01"])
def test_impossible_or_out_of_range_dates_are_not_dates(date):
    document = make_document(f"date {date}\n\nThe mayor said the bridge opened.", "x")
    assert document.date is None
    assert document.text.startswith(f"date {date}")  # kept as text, not silently dropped


@pytest.mark.parametrize("date", ["1800-01-01", "2016-02-29", "2100-12-31"])
def test_real_dates_in_range_are_kept(date):
    assert make_document(f"date {date}\nThe mayor spoke.", "x").date == date


@pytest.mark.parametrize(
    "text",
    [
        "\u200b\u200d\ufeff\u2060",
        "\u200e\u200f\u202e\u202c\u2066\u2069",
        "\u3164\u115f\u2800 \u00a0\u3000",
        "\x00\x01\x07 \x1b",
        "\u0301\u0302\u0303",
        "date 2017-06-05\n\u200b\u200b\n",
    ],
)
def test_invisible_only_texts_are_refused_like_empty_ones(text):
    with pytest.raises(AssistantError, match="empty"):
        make_document(text, "ghost")


def test_text_is_normalised_line_ends_boms_nfc():
    text = make_document("Caf\u0065\u0301 one.\r\nTwo.\rThree.\u2028Four.\u2029Five.\ufeff Six.\x85Seven.", "x").text
    assert text == "Café one.\nTwo.\nThree.\nFour.\n\nFive. Six.\nSeven."
    assert "\r" not in clean_text("a\r\n\r\nb\r")


def test_bom_in_the_middle_and_nul_later_in_the_file(tmp_path: Path):
    data = "\ufeffThe clerk said one.\n".encode() + "\ufeffThe clerk said two.\n".encode() * 500 + b"x\x00y."
    (tmp_path / "joined.txt").write_bytes(data)
    document = read_document(tmp_path / "joined.txt")
    assert "\ufeff" not in document.text and "\x00" not in document.text
    assert document.text.endswith("x y.")


def test_utf16_is_named():
    with pytest.raises(AssistantError, match="UTF-16"):
        decode("Putin said hello.".encode("utf-16"), "u.txt")


def test_markdown_heading_title_is_clean_and_capped():
    assert make_document("# \u202eevil\u202c title ##\n\nText here.", "x").title == "evil title"
    assert make_document("#   \u200b\n# Real title\n\nText.", "x").title == "Real title"
    long = make_document("# " + "w" * 10_000 + "\n\nText.", "x").title
    assert len(long) == limits.MAX_TITLE_CHARS
    assert make_document("# C#\n\nText.", "x").title == "C#"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("my report", "my-report"),
        ("Pu\u200dtin\u200b", "Putin"),                 # zero-width joiner/space dropped
        ("\u202eevil\u202c", "evil"),                     # bidi override dropped
        ("Ｒｅｐｏｒｔ１", "Report1"),                     # NFKC: full-width letters
        ("cafe\u0301", "café"),                           # NFC composes
        ("ﬁle", "file"),                                  # NFKC: ligature
        ("a--b", "a--b"),                                 # literal hyphens kept
        ("../../etc/passwd", "etc-passwd"),
        ("\x1b[2J\nname", "2J-name"),
        ("", "document"),
        ("\u200b", "document"),
        ("Рutin", "Рutin"),                               # Cyrillic Р: a different id from Putin, never merged
    ],
)
def test_slug(name, expected):
    assert slug(name) == expected


def test_long_names_are_cut_and_stay_unique():
    stem = "ж" * 300  # 600 bytes
    ids = unique_ids([stem, stem, stem])
    assert len(set(ids)) == 3
    assert all(len(i.encode()) <= limits.MAX_ID_BYTES for i in ids)
    assert slug("x" * 100_000) == "x" * limits.MAX_ID_BYTES


def test_names_that_slug_alike_get_distinct_ids_and_a_note():
    names = ["my-report.txt", "my report.txt", "Report.txt", "report.txt", "cafe\u0301.txt", "café.txt"]
    ids = unique_ids([Path(n).stem for n in names])
    assert ids == ["my-report", "my-report-2", "Report", "report-2", "café", "café-2"]
    notes = id_notes(names, ids)
    assert notes == [
        "my report.txt is indexed as my-report-2 (my-report is another text's id).",
        "report.txt is indexed as report-2 (Report is another text's id).",
        "café.txt is indexed as café-2 (café is another text's id).",
    ]


def test_read_documents_reports_renamed_ids(tmp_path: Path):
    (tmp_path / "my-report.txt").write_text("The mayor said one.", encoding="utf-8")
    (tmp_path / "my report.txt").write_text("The mayor said two.", encoding="utf-8")
    notes: list[str] = []
    documents = read_documents([tmp_path], notes=notes)
    assert sorted(d.id for d in documents) == ["my-report", "my-report-2"]
    assert len({d.text for d in documents}) == 2
    assert len(notes) == 1 and "is indexed as my-report-2" in notes[0]


def test_place_documents_never_replaces_a_different_text_silently():
    indexed = [make_document("The mayor said one.", "my-report", source="my report.txt"),
               make_document("First paste.", "pasted-text", source="pasted.txt")]
    new = [make_document("The mayor said two.", "my-report", source="my-report.txt"),
           make_document("Second paste.", "pasted-text", source="pasted.txt"),
           make_document("The mayor said three.", "my-report", source="my report.txt")]
    placed, notes = place_documents(indexed, new)
    assert [d.id for d in placed] == ["my-report-2", "pasted-text-2", "my-report"]
    assert "my-report.txt is indexed as my-report-2" in notes[0]
    assert "pasted.txt is indexed as pasted-text-2" in notes[1]
    assert "replaces my-report (a new version of the indexed one)" in notes[2]
    same, notes = place_documents(indexed, [make_document("First paste.", "pasted-text", source="pasted.txt")])
    assert same[0].id == "pasted-text" and "the same text" in notes[0]


def test_paths_in_messages_are_printable(tmp_path: Path):
    name = tmp_path / "evil\x1b]52;c;aGk=\x07\x1b[2J\nerror: fake\u202e.txt"
    with pytest.raises(AssistantError) as caught:
        read_document(name)
    message = str(caught.value)
    assert "\x1b" not in message and "\n" not in message and "\x07" not in message and "\u202e" not in message
    assert "\\x1b]52;c;aGk=\\x07\\x1b[2J\\nerror: fake\\u202e.txt" in message


def test_printable():
    assert printable("plain name.txt") == "plain name.txt"
    assert printable("a\x1b[31mb\nc\td\x00\x7f\x9b") == "a\\x1b[31mb\\nc\\td\\x00\\x7f\\x9b"
    assert printable("x\udcffy") == "x\\xffy"                         # a non-UTF-8 byte of a file name
    assert printable(b"caf\xe9") == "caf\\xe9"
    assert printable(Path("a\nb")) == "a\\nb"
    assert printable("\u202eabc\u2066\u2028\u2029") == "\\u202eabc\\u2066\\u2028\\u2029"
    assert printable("👨‍👩‍👧 café 中文") == "👨‍👩‍👧 café 中文"
    cut = printable("\x1b" * 10_000, limit=10)
    assert cut == "\\x1b" * 10 + "…(10,000 characters)"
    assert printable(None) == "None"


def _growth(fn, make, sizes=(100_000, 200_000, 400_000, 800_000)) -> float:
    """The time ratio per doubling of the input, measured over 4 sizes (linear ≈ 2, quadratic ≈ 4): the geometric
    mean over the three doublings, so that one noisy measurement on a busy machine does not decide."""
    times = []
    for n in sizes:
        data = make(n)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            fn(data)
            best = min(best, time.perf_counter() - started)
        times.append(max(best, 1e-4))
    return (times[-1] / times[0]) ** (1 / (len(times) - 1))


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "# a" + " " * n + "b\n\nText.",                    # a heading line of spaces (regex backtracking)
        lambda n: "#" * 6 + " x" + "#" * n + "y",                     # a run of #
        lambda n: "\u200b" * n + "Text.",                            # invisible run
        lambda n: "x" * n,                                           # one huge line
        lambda n: "\r" * n + "Text.",                                # CR-only lines
        lambda n: "\x1b[2J" * (n // 4) + " Text.",                  # escape sequences
        lambda n: "date " + " " * n + "2017-06-05 Text.",           # white space before the date
    ],
    ids=["heading-spaces", "heading-hashes", "invisible-run", "huge-line", "cr-only",
         "escapes", "spaced-date"],
)
def test_make_document_grows_linearly(make):
    def run(text: str) -> None:
        try:
            make_document(text, "x")
        except AssistantError:  # refusing (too many sentences) must be bounded too
            pass

    assert _growth(run, make) < 3.0


def test_refusing_too_many_sentences_is_linear(monkeypatch):
    monkeypatch.setattr(limits, "MAX_BUILD_SENTENCES", 1_000)  # every size below takes the refusing path

    def run(text: str) -> None:
        with pytest.raises(AssistantError, match="sentences per build"):
            make_document(text, "x")

    assert _growth(run, lambda n: "a. " * (n // 3)) < 3.0


def test_slug_and_unique_ids_are_bounded():
    assert _growth(slug, lambda n: "-\u200b<" * n) < 3.0
    assert _growth(lambda stems: unique_ids(stems), lambda n: ["same"] * (n // 100), sizes=(500, 1000, 2000, 4000)) < 3.0


@pytest.mark.parametrize(
    "text, title, first_sentence_start",
    [
        ("Storm Closes Harbour\n\nThe harbour closed on Monday. It reopens soon.", "Storm Closes Harbour", "The harbour"),
        ("date 2024-01-02\nFerry terminal opens\nThe terminal opened. Crowds came.", "Ferry terminal opens", "The terminal"),
        ("# Big news\n\nBody here. More.", "Big news", "Body here"),
        ("The harbour closed on Monday.\nIt reopens.", None, "The harbour"),  # ends like a sentence
        ("By Jane Smith\nThe harbour closed.", None, "By Jane"),  # a byline
        ("Mayor: \u201cWe will rebuild\u201d\nThe storm passed.", None, "Mayor"),  # quotes someone
        ("Only one line here", None, "Only one"),  # nothing follows
    ],
)
def test_a_short_first_line_is_the_headline_and_title(text: str, title: str | None, first_sentence_start: str):
    header = parse_header(text)
    assert header.title == title
    assert text[header.body_start :].startswith(first_sentence_start)
    if title:
        assert make_document(text, "doc-id").title == title
