"""Compare main-text extractors on the news pages written for the tests (tests/fixtures/sources/pages.json).

For each page and extractor: how many of the article's paragraphs are kept, how many boilerplate phrases (menus,
cookie banners, related links, ads, comments, footers) leak into the text, the title it gives, and the time per page
(shared cores: times are 2-4x what an idle machine gives). The extractors: what the assistant uses (trafilatura with favor_precision, after dropping blocks
marked as promotions: assistant/text/html.py), trafilatura with its defaults, readability-lxml and jusText.

    pip install readability-lxml jusText           # the alternatives, not dependencies of the product
    python scripts/compare_extractors.py            # the markdown table of docs/sources.md

(They are not in the dev extra: with trafilatura, pip 23's resolver fails on the doubled ``lxml[html_clean]``.)
"""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "sources"
REPEATS = 20


def assistant_extractor(markup: str) -> tuple[str, str]:
    from assistant.text.html import read_page

    record = read_page(markup, "page", "page")
    return record.text, record.title or ""


def trafilatura_defaults(markup: str) -> tuple[str, str]:
    import trafilatura

    document = trafilatura.bare_extraction(markup, with_metadata=True)
    return (document.text or "", document.title or "") if document is not None else ("", "")


def readability_lxml(markup: str) -> tuple[str, str]:
    import lxml.html
    from readability import Document

    page = Document(markup)
    return lxml.html.fromstring(page.summary()).text_content(), page.short_title()


def justext_paragraphs(markup: str) -> tuple[str, str]:
    import justext

    paragraphs = justext.justext(markup.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate), ""  # jusText gives no title


EXTRACTORS = {
    "assistant (trafilatura, precision, promotions dropped)": assistant_extractor,
    "trafilatura 2.x, defaults": trafilatura_defaults,
    "readability-lxml": readability_lxml,
    "jusText": justext_paragraphs,
}


def main() -> None:
    pages = json.loads((FIXTURES / "pages.json").read_text(encoding="utf-8"))["pages"]
    print("| extractor | page | article paragraphs kept | boilerplate phrases leaked | title it gives | ms/page |")
    print("|---|---|---|---|---|---|")
    totals: dict[str, list[int]] = {}
    for label, extract in EXTRACTORS.items():
        kept_all = leaked_all = want_all = 0
        for name, truth in pages.items():
            markup = (FIXTURES / name).read_text(encoding="utf-8")
            extract(markup)  # warm up (imports, caches)
            started = time.perf_counter()
            for _ in range(REPEATS):
                text, title = extract(markup)
            ms = (time.perf_counter() - started) / REPEATS * 1000
            flat = " ".join(text.split())
            kept = sum(" ".join(opening.split()) in flat for opening in truth["article"])
            leaked = [phrase for phrase in truth["boilerplate"] if phrase.lower() in flat.lower()]
            print(f"| {label} | {name} | {kept}/{len(truth['article'])} | {len(leaked)}"
                  f"{' (' + ', '.join(leaked) + ')' if leaked else ''} | {title[:50] or '-'} | {ms:.1f} |")
            kept_all, leaked_all, want_all = kept_all + kept, leaked_all + len(leaked), want_all + len(truth["article"])
        totals[label] = [kept_all, want_all, leaked_all]
    print()
    print("| extractor | article paragraphs kept | boilerplate phrases leaked |")
    print("|---|---|---|")
    for label, (kept, want, leaked) in totals.items():
        print(f"| {label} | {kept}/{want} | {leaked} |")


if __name__ == "__main__":
    main()
