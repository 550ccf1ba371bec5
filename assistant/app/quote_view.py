"""The page's view of a quote check: the quote and its source side by side, the differing words highlighted.

A pure function of the API's :class:`~assistant.schema.QuoteCheck`; every piece of text (the user's quote, the
index's sentences, names and citations) is escaped, and only the highlighting marks are markup.
"""

from __future__ import annotations

import html

from ..api import VERDICT_TITLES, citation, speaker_label
from ..schema import QuoteCheck

CSS = """
.quote-check { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.5em 0.8em;
               margin-bottom: 0.6em; }
.quote-check .qc-verdict { font-weight: 700; margin: 0 0 0.4em 0; }
.quote-check[data-verdict="verbatim"] .qc-verdict { color: #166534; }
.quote-check[data-verdict="close"] .qc-verdict { color: #92400e; }
.quote-check[data-verdict="other_speaker"] .qc-verdict, .quote-check[data-verdict="not_found"] .qc-verdict
  { color: #b91c1c; }
.qc-sides { display: flex; flex-wrap: wrap; gap: 0.6em; }
.qc-side { flex: 1 1 180px; min-width: 0; overflow-wrap: anywhere; }
.qc-side h4 { margin: 0 0 0.2em 0; font-size: 0.85em; color: var(--body-text-color-subdued); }
.qc-side p { margin: 0; line-height: 1.5; }
.qc-side mark.qc-diff { background: #fecaca; color: #7f1d1d; padding: 0 2px; border-radius: 3px;
                        text-decoration: underline; }
"""


def marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped, each span in ``<mark class="qc-diff">``."""
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor or end > len(text):
            continue
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f'<mark class="qc-diff">{html.escape(text[start:end])}</mark>')
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


def _words(n: int) -> str:
    return f"{n} word differs" if n == 1 else f"{n} words differ"


def quote_check_html(check: QuoteCheck | None) -> str:
    """The side-by-side block for a quote check ("" for other answers)."""
    if check is None:
        return ""
    title = VERDICT_TITLES.get(check.verdict, check.verdict)
    quote_side = check.quote
    if not check.matches:
        return (f'<div class="quote-check" data-verdict="{html.escape(check.verdict)}">'
                f'<p class="qc-verdict">{html.escape(title)}: no sentence in the texts is close to these words</p>'
                f'<div class="qc-sides"><div class="qc-side qc-quote"><h4>Quote</h4>'
                f'<p>\u201c{html.escape(quote_side)}\u201d</p></div></div></div>')
    first = check.matches[0]
    passage = first.passage
    detail = _words(first.words_differ) if first.words_differ else "the same words"
    who = speaker_label(passage)
    return (
        f'<div class="quote-check" data-verdict="{html.escape(check.verdict)}">'
        f'<p class="qc-verdict">{html.escape(title)}: {html.escape(detail)} · {html.escape(who)}</p>'
        f'<div class="qc-sides">'
        f'<div class="qc-side qc-quote"><h4>Quote</h4>'
        f'<p>\u201c{marked_html(quote_side, first.quote_spans)}\u201d</p></div>'
        f'<div class="qc-side qc-source"><h4>Source [{first.rank}] · {html.escape(citation(passage))}</h4>'
        f'<p>{marked_html(passage.text, first.source_spans)}</p></div>'
        f'</div></div>'
    )
