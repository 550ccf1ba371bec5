"""Sources by format (no model): web pages, JSON Lines dumps, RSS/Atom feeds, WARC archives, and their bad inputs.

The fixtures under ``tests/fixtures/sources/`` were written for these tests: pages with menus, cookie banners,
related links, ads, comments and footers around a short article; a dump; an RSS 2.0 feed with full content and an
Atom feed with summaries only. The WARC is made here with warcio (HTML and non-HTML records).
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from assistant import limits
from assistant.errors import AssistantError
from assistant.text import jsonl
from assistant.text.documents import iter_documents, read_document, read_documents
from assistant.text.records import day_of, stem_of_address
from assistant.text.sentences import split_sentences
from assistant.text.sources import stem_of, suffix_of

FIXTURES = Path(__file__).parent / "fixtures" / "sources"

# what each page's article holds and what is around it (none of which may become a sentence)
PAGES = json.loads((FIXTURES / "pages.json").read_text(encoding="utf-8"))["pages"]
BOILERPLATE = {name: page["boilerplate"] for name, page in PAGES.items()}
ARTICLE_SENTENCES = {
    "harbour-bridge.html": '"We cannot keep the bridge open safely until the cables are replaced," said Mayor Helen '
                           "Okafor at a press conference outside the town hall.",
    "school-meals.html": '"No child should sit in a classroom hungry," Lindqvist told reporters after the vote.',
    "wind-farm.html": "Energy minister Rafael Montoya said the project would power three hundred thousand homes once "
                      "it was finished in 2029.",
}


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in split_sentences(text)]


def write_warc(path: Path, pages: list[tuple[str, bytes]], gzip: bool = True, extra: bool = True) -> Path:
    """A WARC made with warcio: a warcinfo, then for each page a request and an HTML response; with ``extra``
    also an image response, a 404 page, a redirect and a metadata record (none of which are articles)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests/test_sources.py"}))

        def response(url: str, status: str, kind: str, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))

        for url, body in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request))
            response(url, "200 OK", "text/html; charset=utf-8", body)
            if extra:
                response(url.rsplit("/", 1)[0] + "/photo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00")
                response(url + "-missing", "404 Not Found", "text/html", b"<html><body><p>Not found.</p></body></html>")
                response(url + "-old", "301 Moved Permanently", "text/html", b"<html><body>Moved.</body></html>")
                writer.write_record(writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"outlinks: none"),
                                                              warc_content_type="application/warc-fields"))
    return path


# ----- pages -----

@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_a_page_gives_only_its_article_sentences(name: str) -> None:
    document = read_document(FIXTURES / name)
    found = sentences_of(document.text)
    assert ARTICLE_SENTENCES[name] in found
    for sentence in found:
        for junk in BOILERPLATE[name]:
            assert junk.lower() not in sentence.lower(), (junk, sentence)
    assert document.title not in found  # the headline is the title, not a sentence
    for opening in PAGES[name]["article"]:  # every paragraph of the article is kept
        assert any(sentence.startswith(opening) for sentence in found), opening


def test_page_metadata_wins_over_guesses() -> None:
    harbour = read_document(FIXTURES / "harbour-bridge.html")
    assert harbour.title == "Harbour bridge to close for six weeks of repairs"  # JSON-LD headline, not <title>
    assert harbour.date == "2024-03-14"  # datePublished, not dateModified
    assert harbour.url == "https://ledger.example.com/news/2024/03/harbour-bridge-repairs"  # canonical, not og:url
    assert harbour.author == "Priya Natarajan"
    meals = read_document(FIXTURES / "school-meals.html")  # Open Graph and article: tags only
    assert (meals.title, meals.date, meals.author) == (
        "Free school meals extended to every primary pupil", "2023-09-04", "Tomasz Wójcik")
    assert meals.url == "https://valleypost.example.org/education/free-school-meals-extended"
    wind = read_document(FIXTURES / "wind-farm.html")  # no metadata: <h1>/<title> and a <time> element
    assert (wind.title, wind.date, wind.url, wind.author) == ("Offshore wind farm approved", "2025-06-02", None, None)


def test_a_page_without_article_text_is_refused(tmp_path: Path) -> None:
    links = tmp_path / "home.html"
    links.write_text("<html><head><title>Home</title></head><body><nav><ul><li><a href='/a'>News</a></li>"
                     "<li><a href='/b'>Sport</a></li></ul></nav><footer>Copyright</footer></body></html>")
    with pytest.raises(AssistantError, match="home.html has no article text"):
        read_documents([links])


def test_content_must_match_the_extension_but_html_saved_as_txt_is_text(tmp_path: Path) -> None:
    page = (FIXTURES / "harbour-bridge.html").read_text(encoding="utf-8")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    as_text = read_document(tmp_path / "page.txt")
    assert "<nav" in as_text.text and as_text.url is None  # read as text, as always
    (tmp_path / "notes.html").write_text("Just a few words, no markup at all.", encoding="utf-8")
    with pytest.raises(AssistantError, match="notes.html does not look like an HTML page"):
        read_documents([tmp_path / "notes.html"])
    (tmp_path / "dump.jsonl").write_text("title,text\nA,B\n", encoding="utf-8")
    with pytest.raises(AssistantError, match="dump.jsonl does not look like JSON Lines"):
        read_documents([tmp_path / "dump.jsonl"])
    (tmp_path / "feed.xml").write_text("<?xml version='1.0'?><catalog><book/></catalog>", encoding="utf-8")
    with pytest.raises(AssistantError, match="feed.xml does not look like an RSS or Atom feed"):
        read_documents([tmp_path / "feed.xml"])
    (tmp_path / "crawl.warc").write_text("not an archive", encoding="utf-8")
    with pytest.raises(AssistantError, match="crawl.warc does not look like a WARC"):
        read_documents([tmp_path / "crawl.warc"])


def test_unknown_extension_lists_what_is_supported(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(AssistantError) as error:
        read_documents([tmp_path / "report.pdf"])
    message = str(error.value)
    assert "report.pdf is not a supported source file" in message
    for suffix in (".txt", ".md", ".html", ".htm", ".jsonl", ".ndjson", ".xml", ".rss", ".atom", ".warc", ".warc.gz"):
        assert suffix in message


# ----- JSON Lines -----

def test_a_dump_gives_one_document_a_line() -> None:
    notes: list[str] = []
    documents = read_documents([FIXTURES / "newsroom.jsonl"], notes=notes)
    assert [d.id for d in documents] == ["ferry-strike", "library-hours", "newsroom-4"]  # no id: file and line
    ferry, library, tram = documents
    assert (ferry.title, ferry.date, ferry.url, ferry.author) == (
        "Ferry crews walk out over pay", "2024-11-05", "https://news.example.net/2024/11/ferry-strike", "Lena Hoffmann")
    assert library.date == "2024-11-06"  # an ISO date-time: its calendar day
    assert library.author == "Sam Okoro, Jia Wen"
    assert "<p>" not in library.text and "Chief librarian Noor Haddad said" in library.text  # HTML became text
    assert tram.date is None and tram.source == "newsroom.jsonl"
    assert any("1 document(s) gave a date that is not a date" in n for n in notes)
    assert "Ferry crews walk out over pay" not in sentences_of(ferry.text)


@pytest.mark.parametrize(("line", "expected"), [
    ('{"text": "fine"', r"line 2 is not valid JSON"),
    ('["a list"]', r"line 2 is not a JSON object"),
    ('{"title": "no text"}', r"line 2 has no text"),
    ('{"text": "   "}', r"line 2 has no text"),
    ('{"text": "ok", "title": 5}', r'line 2: the field "title" must be text'),
    ('{"text": "ok", "id": true}', r'line 2: the field "id" must be text or a whole number'),
])
def test_a_broken_line_refuses_the_whole_dump(tmp_path: Path, line: str, expected: str) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text('{"text": "The first article is fine. The mayor said so."}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(AssistantError, match=expected):
        read_documents([dump])


def test_a_dump_is_read_one_line_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = tmp_path / "big.jsonl"
    with open(dump, "w", encoding="utf-8") as out:
        out.write(json.dumps({"id": "one", "text": "The first story. The mayor spoke."}) + "\n")
        out.write(json.dumps({"id": "two", "text": "x" * 5_000}) + "\n")
    stream = iter_documents([dump], limited=False)
    assert next(stream).id == "one"  # yielded before the long second line is read
    monkeypatch.setattr(jsonl, "MAX_RECORD_BYTES", 1_000)  # memory is bounded by one record: a longer one is refused
    with pytest.raises(AssistantError, match="big.jsonl line 2 is longer than 1,000 bytes"):
        list(iter_documents([dump], limited=False))


def test_the_per_file_limit_holds_for_each_record_and_the_build_limits_for_the_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    dump = tmp_path / "dump.jsonl"
    story = "The mayor said the harbour would reopen. " * 20  # 820 bytes
    dump.write_text("".join(json.dumps({"text": story}) + "\n" for _ in range(5)), encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_PASTE_BYTES", 500)
    with pytest.raises(AssistantError, match="dump.jsonl line 1 is 820 characters long; the limit is 500"):
        read_documents([dump])
    monkeypatch.setattr(limits, "MAX_PASTE_BYTES", 5_000_000)
    monkeypatch.setattr(limits, "MAX_BUILD_BYTES", 3_000)
    with pytest.raises(AssistantError, match="the limit is 3,000 bytes per build"):
        read_documents([dump])  # a build: refused as soon as the total passes the limit
    assert len(list(iter_documents([dump], limited=False))) == 5  # analyse: no build limits


def test_ids_from_dumps_and_feeds_are_unique_as_file_names_are(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text("A text file. It has two sentences.", encoding="utf-8")
    (tmp_path / "a" / "dump.jsonl").write_text(
        '{"id": "story", "text": "One. Two."}\n{"id": "Story", "text": "Three. Four."}\n{"id": 7, "text": "Five."}\n',
        encoding="utf-8",
    )
    notes: list[str] = []
    ids = [d.id for d in read_documents([tmp_path / "a"], notes=notes)]
    assert ids == ["story", "Story-2", "7", "story-3"]  # dump.jsonl comes first (sorted), the text file last
    assert any("dump.jsonl line 2 is indexed as Story-2" in n for n in notes)
    assert any("story.txt is indexed as story-3" in n for n in notes)


# ----- feeds -----

def test_rss_with_full_content() -> None:
    park, buses = read_documents([FIXTURES / "city-feed.rss"])
    assert (park.id, park.title, park.date, park.author) == (
        "riverside-park-reopens", "Riverside park reopens after floods", "2024-05-06", "Oluwaseun Adeyemi")
    assert park.url == "https://citydesk.example.com/2024/05/riverside-park-reopens"
    assert "said parks manager Greta Halvorsen" in park.text
    assert "The park is open again." not in park.text  # the full content, not the description
    assert "Shorter summary only." not in buses.text and "Councillor Ravi Shankar said" in buses.text


def test_atom_with_summaries_only() -> None:
    notes: list[str] = []
    glacier, bees = read_documents([FIXTURES / "science-summaries.atom"], notes=notes)
    assert (glacier.id, glacier.date, glacier.author) == ("glacier-retreat", "2025-02-10", "Hannah Kowalczyk")
    assert "Lead researcher Dr Kenji Matsuda said" in glacier.text and "<p>" not in glacier.text
    assert bees.date is None and bees.url == "https://science.example.org/2025/02/bee-navigation"
    assert any("1 document(s) gave a date that is not a date" in n for n in notes)


def test_a_feed_with_a_broken_item_is_refused_whole(tmp_path: Path) -> None:
    feed = (FIXTURES / "city-feed.rss").read_text(encoding="utf-8")
    empty_item = feed.replace("<item>\n    <title>Night buses", "<item><title>Empty</title></item>\n  <item>\n    <title>Night buses")
    (tmp_path / "empty.rss").write_text(empty_item, encoding="utf-8")
    with pytest.raises(AssistantError, match=r"empty.rss item 2 \(Empty\) has no text"):
        read_documents([tmp_path / "empty.rss"])
    (tmp_path / "broken.xml").write_text(feed.replace("</title>\n    <link>https://citydesk.example.com/2024/05/night",
                                                      "\n    <link>https://citydesk.example.com/2024/05/night", 1),
                                         encoding="utf-8")
    with pytest.raises(AssistantError, match=r"broken.xml is not well-formed XML \(line \d+"):
        read_documents([tmp_path / "broken.xml"])


# ----- WARC -----

@pytest.mark.parametrize("gzip", [True, False])
def test_a_warc_gives_its_html_pages_only(tmp_path: Path, gzip: bool) -> None:
    pages = [("https://ledger.example.com/crawl/harbour-bridge", (FIXTURES / "harbour-bridge.html").read_bytes()),
             ("https://windnews.example.com/2025/06/approved.html", (FIXTURES / "wind-farm.html").read_bytes())]
    archive = write_warc(tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc"), pages, gzip=gzip)
    harbour, wind = read_documents([archive])
    assert harbour.url == "https://ledger.example.com/crawl/harbour-bridge"  # WARC-Target-URI
    assert (harbour.id, harbour.title, harbour.date) == (
        "harbour-bridge", "Harbour bridge to close for six weeks of repairs", "2024-03-14")
    assert (wind.id, wind.url) == ("approved", "https://windnews.example.com/2025/06/approved.html")
    assert ARTICLE_SENTENCES["wind-farm.html"] in sentences_of(wind.text)
    assert all(d.source == archive.name for d in (harbour, wind))


def test_a_warc_without_pages_or_with_an_empty_page_is_refused(tmp_path: Path) -> None:
    from warcio.warcwriter import WARCWriter

    bare = tmp_path / "bare.warc.gz"
    with open(bare, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("bare.warc.gz", {"software": "test"}))
    with pytest.raises(AssistantError, match="bare.warc.gz holds no HTML pages"):
        read_documents([bare])
    home = (b"<html><head><title>Home</title></head><body><nav><ul><li><a href='/a'>News</a></li>"
            b"<li><a href='/b'>Sport</a></li></ul></nav><footer>Copyright</footer></body></html>")
    empty = write_warc(tmp_path / "empty.warc.gz", [("https://e.example/home", home)])
    with pytest.raises(AssistantError, match=r"empty.warc.gz record 3 \(https://e.example/home\) has no article text"):
        read_documents([empty])


# ----- the small pure functions -----

def test_names_dates_and_addresses() -> None:
    assert (suffix_of("Crawl.WARC.gz"), stem_of("Crawl.WARC.gz"), suffix_of("a.b.NDJSON")) == (".warc.gz", "Crawl", ".ndjson")
    assert day_of("2024-03-14T23:30:00-05:00") == ("2024-03-14", False)  # the day as written, no time-zone shift
    assert day_of("2024-02-30") == (None, True) and day_of("yesterday") == (None, True) and day_of(None) == (None, False)
    assert day_of("9999-01-01") == (None, True)
    assert stem_of_address("https://x.example/news/2024/03/harbour-bridge.html?x=1") == "harbour-bridge"
    assert stem_of_address("https://x.example/story/12345") is None


def test_old_analysed_forms_and_segments_read_null_urls(tmp_path: Path) -> None:
    import numpy as np
    import pyarrow.parquet as pq

    from assistant.pipeline import analysed as analysed_form
    from assistant.pipeline.analysed import Analysed, DocRecord
    from assistant.store import segment

    vector = np.zeros((1, 4), np.float32)
    vector[0, 0] = 1
    one = Analysed(documents=[DocRecord("a", "A", None, "a.txt", "The mayor spoke.", url="https://a.example/x",
                                        author="Ann")],
                   doc=np.zeros(1, np.int32), number=np.ones(1, np.int32), start=np.zeros(1, np.int32),
                   end=np.full(1, 16, np.int32), paragraph=np.ones(1, np.int32), speaker=np.full(1, -1, np.int32),
                   speaker_names=[], attribution=np.zeros(1, np.int8), vectors=vector)
    analysed_form.write(one, tmp_path / "new", "m")
    assert analysed_form.read(tmp_path / "new")[1].documents[0].url == "https://a.example/x"
    old = tmp_path / "old"
    analysed_form.write(one, old, "m")
    part = next((old / "documents").glob("*.parquet"))
    pq.write_table(pq.read_table(part).drop(["url", "author"]), part)  # as written before the columns existed
    record = analysed_form.read(old)[1].documents[0]
    assert (record.url, record.author) == (None, None)

    folder = tmp_path / "segment"
    segment.write(one, folder, ["k"], ["h"])
    assert segment.Segment(folder).document_rows()[0].url == "https://a.example/x"
    con = sqlite3.connect(folder / "documents.sqlite")
    con.execute("ALTER TABLE documents DROP COLUMN url")
    con.execute("ALTER TABLE documents DROP COLUMN author")
    con.commit()
    con.close()
    opened = segment.Segment(folder)
    assert (opened.document_rows()[0].url, opened.document(0).url, opened.document(0).author) == (None, None, None)


def test_only_http_links_are_clickable() -> None:
    from assistant.search.links import clickable, html_link, markdown_link

    assert clickable("https://a.example/x y") == "https://a.example/x%20y"
    assert clickable("javascript:alert(1)") is None and clickable("data:text/html,hi") is None
    assert clickable("http:///nohost") is None and clickable(None) is None
    assert markdown_link("javascript:alert(1)") == ""
    assert markdown_link("https://a.example/a_(b)") == r"[a.example/a\_(b)](https://a.example/a_%28b%29)"
    link = html_link('https://a.example/"><script>x</script>')
    assert "<script>" not in link and 'rel="noopener noreferrer"' in link and 'target="_blank"' in link
    assert html_link("javascript:alert(1)") == "<span class='doc-url'>javascript:alert(1)</span>"
