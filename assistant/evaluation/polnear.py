"""``assistant eval speakers FILE.jsonl``: sentence-level scoring of speaker attribution on annotated news.

The input has one article a line, PolNeAR style: ``{"id", "text", "attributions": [{"source", "source_spans",
"cue_spans", "content_spans", "source_is_pronoun", "source_looks_named", "content_has_quote_marks"}]}`` with
``[start, end]`` character spans into ``text``.

Each article is split with OUR splitter and each of our sentences gets a gold label from the spans:
- no overlap with any attribution's content → narration;
- exactly one source whose content covers at least 40% of the sentence's characters → that source;
- anything else (several sources, thin overlap) → not scored.
Speaker accuracy is counted only where the gold source mention looks like a name (PolNeAR sources are mentions such
as "she" or "the paper", without coreference); a match is when the last names agree, case-insensitively, or one is
the acronym of the other ("The HPA" / "Harbour Pilots Authority"). The "last name" of a mention is its head word
(see ``last_name``: "Sen. Ana Duarte of Leeds" → duarte, "A spokeswoman for Tom Hale" → spokeswoman), so a gold
description ("The Leeds architect") never matches the canonical name we give ("Ana Duarte").
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..speech.attribution import attribute_text
from ..errors import AssistantError

COVERAGE = 0.40
ANCHORS = (
    "Anchors (other systems, other data, for scale only): Gender Gap Tracker quote extractor 86.5% speaker match "
    "on its own news set; CoreNLP quote attribution 87.5 F1 and BookNLP 89.9 F1 on novels."
)


@dataclass(frozen=True)
class GoldSentence:
    """A sentence of ours with its gold label: ``kind`` is narration / speech / unscored."""

    start: int
    end: int
    kind: str
    source: str | None = None
    named: bool = False  # the gold source mention looks like a name (speaker scored)
    in_sentence: bool = False  # the gold source mention lies inside the sentence
    quoted: bool = False  # the gold content has quotation marks


@dataclass
class Score:
    articles: int = 0
    sentences: int = 0
    unscored: int = 0
    seconds: float = 0.0
    parse_seconds: float = 0.0
    list_listed: int = 0  # speakers we list, summed over articles
    list_true: int = 0  # ... of which speak in the gold
    list_gold: int = 0  # named gold sources, summed over articles
    list_found: int = 0  # ... of which we list
    narration_total: int = 0
    narration_right: int = 0
    speech_total: int = 0
    speech_right: int = 0
    speaker: dict[str, list[int]] = field(default_factory=dict)  # bucket -> [right, total]
    errors: list[dict[str, Any]] = field(default_factory=list)
    raw: "Score | None" = None  # the same sentences by PolNeAR's convention (thoughts count as speech)
    rules: dict[str, list[int]] = field(default_factory=dict)  # sieve rule -> [decided, wrong kind, wrong speaker]

    def add_rule(self, rule: str, wrong_kind: bool, wrong_speaker: bool) -> None:
        counts = self.rules.setdefault(rule or "-", [0, 0, 0])
        counts[0] += 1
        counts[1] += int(wrong_kind)
        counts[2] += int(wrong_speaker)

    def add_speaker(self, buckets: list[str], right: bool) -> None:
        for bucket in buckets:
            counts = self.speaker.setdefault(bucket, [0, 0])
            counts[0] += int(right)
            counts[1] += 1


def read_articles(path: str | Path) -> list[dict[str, Any]]:
    """The articles of a JSON Lines file; a missing or malformed file is an AssistantError."""
    p = Path(path)
    if not p.is_file():
        raise AssistantError(f"{p} does not exist or is not a file.")
    articles: list[dict[str, Any]] = []
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AssistantError(f"{p} cannot be read as UTF-8 text ({exc.__class__.__name__}).") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = json.loads(line)
        except json.JSONDecodeError:
            raise AssistantError(f"{p}, line {number}: not valid JSON.") from None
        if not isinstance(article, dict) or not isinstance(article.get("text"), str) \
                or not isinstance(article.get("attributions", []), list):
            raise AssistantError(f"{p}, line {number}: expected an object with \"text\" and \"attributions\".")
        articles.append(article)
    if not articles:
        raise AssistantError(f"{p} holds no articles.")
    return articles


def _overlap(spans: list[list[int]], start: int, end: int) -> int:
    total = 0
    for span in spans or []:
        if not isinstance(span, (list, tuple)) or len(span) != 2:
            continue
        lo, hi = max(start, int(span[0])), min(end, int(span[1]))
        total += max(0, hi - lo)
    return total




def is_thought(article: dict[str, Any], attribution: dict[str, Any]) -> bool:
    """Is the gold cue a verb of thinking, hoping, wanting or expecting ("believes", "worry", "plans")? This product
    calls those narration (``thoughts_are_narration``); PolNeAR counts them as attributions."""
    from ..speech.lexicon import IRREGULAR_SPEECH_FORMS, IRREGULAR_THOUGHT_FORMS, SPEECH_VERBS, THOUGHT_VERBS

    text = article.get("text", "")
    cue = " ".join(text[int(a):int(b)] for a, b in attribution.get("cue_spans", []) or []
                   if isinstance(a, int) and isinstance(b, int)).lower()
    words = re.findall(r"[a-z]+", cue)
    stems = {w[: len(w) - k] + e for w in words for k, e in ((0, ""), (1, ""), (2, ""), (3, ""), (1, "e"),
                                                               (3, "y"), (2, "e")) if len(w) > k}
    if stems & SPEECH_VERBS or set(words) & IRREGULAR_SPEECH_FORMS:
        return False
    return bool(stems & THOUGHT_VERBS or set(words) & IRREGULAR_THOUGHT_FORMS)


def gold_labels(article: dict[str, Any], sentences: list[tuple[int, int]],
                convention: bool = False) -> list[GoldSentence]:
    """Label each of our sentences from the gold attribution spans (see the module doc). With ``convention``, a
    sentence whose gold attribution is a thought (see ``is_thought``) is not scored."""
    labels: list[GoldSentence] = []
    attributions = [a for a in article.get("attributions", []) if isinstance(a, dict)]
    for start, end in sentences:
        size = max(1, end - start)
        touching = [(a, _overlap(a.get("content_spans", []), start, end)) for a in attributions]
        touching = [(a, n) for a, n in touching if n > 0]
        if not touching:
            labels.append(GoldSentence(start, end, "narration"))
            continue
        covering = [a for a, n in touching if n / size >= COVERAGE]
        sources = {(a.get("source") or "").strip().lower() for a in covering}
        if len(covering) == 0 or len(sources) != 1:
            labels.append(GoldSentence(start, end, "unscored"))
            continue
        a = covering[0]
        if convention and any(is_thought(article, x) for x in covering):
            labels.append(GoldSentence(start, end, "unscored"))
            continue
        named = bool(a.get("has_source", True)) and bool(a.get("source_looks_named")) \
            and not a.get("source_is_pronoun") and bool(a.get("source"))
        inside = any(_overlap([span], start, end) > 0 for span in a.get("source_spans", []) or [])
        labels.append(GoldSentence(start, end, "speech", a.get("source"), named, inside,
                                   bool(a.get("content_has_quote_marks"))))
    return labels


_CUT = re.compile(r",.*$|\(.*$|\s+--.*$|\s+(?:who|that|which|by)\s+.*$|\s+(?!need)[a-z]+(?:ed|ing)\b.*$")
_PREPOSITIONS = frozenset("of for from in at on".split())
_TITLE_WORDS = frozenset("secretary minister president director chairman chief governor senator attorney".split())


def last_name(name: str | None) -> str:
    """The word a speaker is compared by: ``Mr. Hale`` → ``hale``; ``Sen. Ana Duarte of Leeds`` → ``duarte``;
    ``Transport Minister Ana M. Duarte`` → ``duarte``; ``A spokeswoman for Tom Hale`` → ``spokeswoman``;
    ``The independent Board of Harbour Pilots`` → ``pilots``; ``Peter K. Lund Jr.`` → ``lund``."""
    if not name:
        return ""
    cleaned = _CUT.sub("", name.strip()).replace("’s", "").replace("'s", "")
    words = re.findall(r"[\w-]+", cleaned)
    while words and words[0].lower() in ("the", "a", "an"):
        words.pop(0)
    while len(words) > 1 and words[0].islower() and words[1][:1].isupper():
        words.pop(0)  # "independent Board …"
    k = next((i for i, w in enumerate(words) if i > 0 and w in _PREPOSITIONS), None)
    if k is not None:
        before = words[:k]
        if before[-1].islower() or (len(before) >= 2 and before[-1].lower() not in _TITLE_WORDS):
            words = before  # "spokeswoman for …", "Ana Duarte of Leeds" (not "Minister of Transport Ana Duarte")
    while len(words) > 1 and words[-1].lower() in ("jr", "sr", "ii", "iii", "iv"):
        words.pop()
    return words[-1].lower() if words else ""


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", name) if w[0].isupper()).lower()


def _appositive_names(gold: str) -> list[str]:
    """The names a gold source gives after a description of the same person: "A lawyer for the two unions, Dana
    Quill," and "Her campaign manager, Rob Tesh," name Quill and Tesh. Only after a description (its head word and
    its last word written in lower case): "Stacy Vane of Fargo, North Dakota" is a name and a place, "Petra Hale,
    Lee Ono and others" a list, and so is "Most voters in Iowa, Ohio and Utah"."""
    parts = [p.strip() for p in gold.split(",") if p.strip()]
    if len(parts) < 2:
        return []
    head = last_name(parts[0])
    words = re.findall(r"[\w’'-]+", parts[0])
    if not head or not re.search(rf"\b{re.escape(head)}\b", parts[0]) or not words or not words[-1].islower():
        return []
    return [p for p in parts[1:] if p[:1].isupper() and len(p.split()) <= 6]


def same_speaker(ours: str | None, gold: str | None) -> bool:
    """Last names agree, or one is the acronym of the other ("The HPA" / "Harbour Pilots Authority"), or ours is
    the name the gold gives in apposition to a description ("The county's party chairwoman, Ida Brandt,")."""
    if not ours or not gold:
        return False
    a, b = last_name(ours), last_name(gold)
    if a == b:
        return True
    if any(last_name(name) == a for name in _appositive_names(gold)):
        return True
    issuer = re.search(r"\b(?:by|from)\s+(.+)$", gold)  # "a new survey by Harbour Polling": the issuer is named too
    if issuer and re.match(r"(?:the\s+)?[A-Z]", issuer.group(1)) and last_name(ours) in \
            {last_name(issuer.group(1)), last_name(re.split(r"\s+and\s+", issuer.group(1))[0])}:
        return True
    return (len(b) >= 2 and _acronym(ours) == b) or (len(a) >= 2 and _acronym(gold) == a)


def score_articles(articles: list[dict[str, Any]], convention: bool = True) -> Score:
    """Score every article; with ``convention`` (the default) thoughts in the gold are not scored, as the product
    calls them narration. ``score.raw`` holds the scores by PolNeAR's own convention (thoughts are speech)."""
    from ..speech import nlp

    score = Score()
    if convention:
        score.raw = Score()
    for article in articles:
        text = article["text"]
        parse_before = nlp.PARSE_TIME.seconds
        started = time.perf_counter()
        attributed = attribute_text(text)
        ours = attributed.sentences
        score.seconds += time.perf_counter() - started
        score.parse_seconds += nlp.PARSE_TIME.seconds - parse_before
        score.articles += 1
        labels = gold_labels(article, [(s.start, s.end) for s in ours], convention)
        for sent, gold, rule in zip(ours, labels, attributed.rules):
            _score_one(score, article, sent, gold, rule)
        if score.raw is not None:
            for sent, gold in zip(ours, gold_labels(article, [(s.start, s.end) for s in ours])):
                _score_one(score.raw, article, sent, gold)
        _score_list(score, article, {s.speaker for s in ours if s.speaker})
    return score


def _score_list(score: Score, article: dict[str, Any], listed: set[str]) -> None:
    """Per-article speaker list: a listed speaker is true when it matches the source of any gold attribution of
    the article; recall counts the named gold sources (one per last name) that we list."""
    attributions = [a for a in article.get("attributions", []) if isinstance(a, dict) and a.get("source")]
    sources = [a["source"] for a in attributions]
    named: dict[str, str] = {}
    for a in attributions:
        if a.get("has_source", True) and a.get("source_looks_named") and not a.get("source_is_pronoun"):
            named.setdefault(last_name(a["source"]), a["source"])
    score.list_listed += len(listed)
    score.list_true += sum(1 for ours in listed if any(same_speaker(ours, g) for g in sources))
    score.list_gold += len(named)
    score.list_found += sum(1 for g in named.values() if any(same_speaker(ours, g) for ours in listed))


def _score_one(score: Score, article: dict[str, Any], sent: Any, gold: GoldSentence, rule: str | None = None) -> None:
    if gold.kind == "unscored":
        score.unscored += 1
        return
    score.sentences += 1
    says_speech = sent.attribution != "narration"
    if rule is not None:
        wrong_speaker = gold.kind == "speech" and gold.named and says_speech and not same_speaker(sent.speaker, gold.source)
        score.add_rule(rule, says_speech != (gold.kind == "speech"), wrong_speaker)
    if gold.kind == "narration":
        score.narration_total += 1
        score.narration_right += int(not says_speech)
        if says_speech:
            score.errors.append(_error(article, sent, gold, "narration"))
        return
    score.speech_total += 1
    score.speech_right += int(says_speech)
    if not gold.named:
        if not says_speech:
            score.errors.append(_error(article, sent, gold, "speech"))
        return
    right = same_speaker(sent.speaker, gold.source)
    buckets = ["all", "named in sentence" if gold.in_sentence else "named elsewhere",
               "direct (gold quote marks)" if gold.quoted else "indirect (no quote marks)",
               f"ours: {sent.attribution}"] + (["where we find speech too"] if says_speech else [])
    score.add_speaker(buckets, right)
    if not right:
        score.errors.append(_error(article, sent, gold, "speaker"))


def _error(article: dict[str, Any], sent: Any, gold: GoldSentence, kind: str) -> dict[str, Any]:
    return {"article": article.get("id"), "kind": kind, "gold": gold.source if gold.kind == "speech" else None,
            "ours": sent.speaker, "attribution": sent.attribution, "text": sent.text}


def _pct(right: int, total: int) -> str:
    return f"{100.0 * right / total:5.1f}% ({right}/{total})" if total else "  n/a"


def format_report(score: Score, path: str | Path) -> str:
    lines = [f"Speaker attribution on {path}"]
    lines.append(f"articles: {score.articles}; sentences scored: {score.sentences} "
                 f"({score.unscored} not scored: several sources, under {COVERAGE:.0%} coverage, or a thought)")
    if score.raw is not None:
        raw = score.raw
        r, t = raw.speaker.get("all", [0, 0])
        lines.append(f"by PolNeAR's own convention (thoughts, hopes and plans count as speech; "
                     f"{raw.sentences} sentences): narration vs speech "
                     f"{_pct(raw.narration_right + raw.speech_right, raw.sentences)}, speaker {_pct(r, t)}")
        lines.append("by this product's convention (thoughts are narration; those gold sentences not scored):")
    right = score.narration_right + score.speech_right
    lines.append(f"narration vs speech accuracy: {_pct(right, score.sentences)}   target >= 95%")
    lines.append(f"  narration kept as narration: {_pct(score.narration_right, score.narration_total)}")
    lines.append(f"  speech found as speech:      {_pct(score.speech_right, score.speech_total)}")
    lines.append("speaker accuracy on speech sentences (last names agree), scored only where the gold source "
                 "mention looks like a name (gold sources are mentions without coreference, e.g. \"he\"):")
    order = ["all", "named in sentence", "named elsewhere", "direct (gold quote marks)",
             "indirect (no quote marks)", "where we find speech too", "ours: direct", "ours: indirect",
             "ours: narration"]
    for bucket in order:
        if bucket in score.speaker:
            r, t = score.speaker[bucket]
            target = "   target >= 92%" if bucket == "all" else ""
            lines.append(f"  {bucket:<28} {_pct(r, t)}{target}")
    lines.append("speaker list per article (a listed speaker is false when it is no source in the gold):")
    lines.append(f"  precision                    {_pct(score.list_true, score.list_listed)}")
    lines.append(f"  recall (named gold sources)  {_pct(score.list_found, score.list_gold)}")
    if score.rules:
        lines.append("per sieve rule (speech/sieve.py RULES; scored sentences it decided, and its errors):")
        lines.append(f"  {'rule':<24} {'decided':>8} {'wrong kind':>11} {'wrong speaker':>14}")
        from ..speech.sieve import RULES

        for name in [r.name for r in RULES] + sorted(set(score.rules) - {r.name for r in RULES}):
            if name in score.rules:
                d, k, w = score.rules[name]
                lines.append(f"  {name:<24} {d:>8} {k:>11} {w:>14}")
    per = 1000.0 * score.seconds / score.articles if score.articles else 0.0
    share = score.parse_seconds / score.seconds if score.seconds else 0.0
    lines.append(f"time per article: {per:.0f} ms, of which spaCy's parse {share:.0%} (model load not included)")
    lines.append(ANCHORS)
    return "\n".join(lines)


def evaluate_file(path: str | Path) -> str:
    """The printed report of ``assistant eval speakers FILE.jsonl``."""
    from ..speech.nlp import load_nlp

    if _is_written(path):
        texts = read_written(path)
        load_nlp()
        return format_written(score_written(texts), path, len(texts))
    articles = read_articles(path)
    load_nlp()
    return format_report(score_articles(articles), path)


def _is_written(path: str | Path) -> bool:
    """The written set's format starts with '=== '; PolNeAR-style files are JSON Lines."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(4) == "=== "
    except (OSError, UnicodeDecodeError):
        return False


def iter_errors(path: str | Path) -> Iterator[dict[str, Any]]:
    """Every mistake, for error analysis during development."""
    yield from score_articles(read_articles(path)).errors


# --------------------------------------------------------------------------------------------------------------
# The written generalisation set (tests/generalisation/texts.txt): every sentence labelled by hand


@dataclass
class WrittenText:
    """One invented text: its id, failure class, text and gold ``(start, end, speakers, attribution)`` per sentence;
    ``speakers`` is a tuple of accepted names (empty for narration)."""

    id: str
    kind: str
    text: str
    gold: list[tuple[int, int, tuple[str, ...], str]]


def read_written(path: str | Path) -> list[WrittenText]:
    """Parse the set's format (see tests/generalisation/README.md)."""
    p = Path(path)
    if not p.is_file():
        raise AssistantError(f"{p} does not exist or is not a file.")
    texts: list[WrittenText] = []
    blocks = re.split(r"^=== ", p.read_text(encoding="utf-8"), flags=re.M)
    for block in blocks[1:]:
        header, _, body = block.partition("\n")
        ident, _, kind = header.strip().partition(" ")
        text, gold = "", []
        for paragraph in re.split(r"\n\s*\n", body.strip()):
            if text:
                text += "\n\n"
            for k, line in enumerate(l for l in paragraph.splitlines() if l.strip()):
                sentence, *label = [part.strip() for part in line.split("||")]
                if k:
                    text += " "
                speakers = tuple(x.strip() for x in label[0].split(" / ")) if label else ()
                attribution = {"d": "direct", "i": "indirect"}[label[1]] if label else "narration"
                gold.append((len(text), len(text) + len(sentence), speakers, attribution))
                text += sentence
        texts.append(WrittenText(ident, kind.strip() or "-", text, gold))
    if not texts:
        raise AssistantError(f"{p} holds no texts (expected '=== id class' headers).")
    return texts


UNNAMED = "-"
"""The gold speaker of speech whose source the text never names ("Officials said", "a witness told the paper")."""


def _names_no_one(got: str | None, gold_sets: list[set[str]]) -> bool:
    """``UNNAMED`` gold: right unless we credit a name: no speaker, or the group as written ("Officials", "A
    witness", "Senior government sources": no capital after the first letter), that is no gold speaker's name."""
    if got is None:
        return True
    if got == "<split differs>" or any(ch.isupper() for ch in got[1:]):
        return False
    low = _norm(got)
    return not any(low in g or any(low == name.split()[-1] for name in g) for g in gold_sets)


def _norm(name: str) -> str:
    name = " ".join(name.replace("’", "'").lower().split())
    return name[4:] if name.startswith("the ") else name


@dataclass
class WrittenScore:
    sentences: int = 0
    speaker_right: int = 0  # right speaker (or narration kept as narration)
    kind_right: int = 0  # narration vs speech right
    speech: int = 0
    speech_right: int = 0  # speech sentences with the right speaker
    listed: int = 0
    listed_true: int = 0
    gold_speakers: int = 0
    gold_found: int = 0
    per_kind: dict[str, list[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def score_written(texts: list[WrittenText]) -> WrittenScore:
    """Sentence speaker accuracy, narration vs speech, and per-text speaker-list precision/recall (exact canonical
    names, case and a leading "the" aside)."""
    score = WrittenScore()
    for item in texts:
        ours = {s.start: s for s in attribute_text(item.text).sentences}
        gold_sets = [{_norm(x) for x in speakers} for _, _, speakers, _ in item.gold if speakers and
                     speakers != (UNNAMED,)]
        groups: set[str] = set()  # the unnamed groups we credited as written: in no speaker list, true or false
        for start, end, speakers, attribution in item.gold:
            sent = ours.get(start)
            got = sent.speaker if sent is not None and sent.end == end else "<split differs>"
            right = (not speakers and got is None) or (bool(got) and _norm(got or "") in {_norm(x) for x in speakers}) \
                or speakers == (UNNAMED,) and _names_no_one(got, gold_sets)
            kind_right = (got is None) == (not speakers)
            score.sentences += 1
            score.speaker_right += int(right)
            score.kind_right += int(kind_right)
            if speakers:
                score.speech += 1
                score.speech_right += int(right)
            if speakers == (UNNAMED,) and right and got is not None:
                groups.add(_norm(got))
            counts = score.per_kind.setdefault(item.kind, [0, 0])
            counts[0] += int(right)
            counts[1] += 1
            if not right:
                score.errors.append(f"{item.id}: {item.text[start:end][:70]!r} want {speakers or 'narration'}, "
                                    f"got {got}")
        listed = {_norm(s.speaker) for s in ours.values() if s.speaker} - groups
        uniq = {frozenset(g) for g in gold_sets}
        score.listed += len(listed)
        score.listed_true += sum(1 for name in listed if any(name in g for g in uniq))
        score.gold_speakers += len(uniq)
        score.gold_found += sum(1 for g in uniq if g & listed)
        score.errors.extend(f"{item.id}: listed {name!r}, who does not speak" for name in sorted(listed)
                            if not any(name in g for g in uniq))
    return score


def format_written(score: WrittenScore, path: str | Path, texts: int) -> str:
    lines = [f"Speaker attribution on the written set {path}", f"texts: {texts}; sentences: {score.sentences}"]
    lines.append(f"sentences with the right speaker (narration included): {_pct(score.speaker_right, score.sentences)}")
    lines.append(f"narration vs speech accuracy:   {_pct(score.kind_right, score.sentences)}")
    lines.append(f"speaker right on speech sentences: {_pct(score.speech_right, score.speech)}")
    lines.append(f"speaker list precision: {_pct(score.listed_true, score.listed)}   "
                 f"recall: {_pct(score.gold_found, score.gold_speakers)}")
    for kind, (right, total) in sorted(score.per_kind.items()):
        lines.append(f"  {kind:<14} {_pct(right, total)}")
    return "\n".join(lines)
