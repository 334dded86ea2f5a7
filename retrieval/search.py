"""Ranking: how dense and keyword results become a short list of quotable passages.

Pure functions over candidates; `archive.Archive.search` gathers the candidates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from urllib.parse import urlsplit

import numpy as np

from retrieval.counts import asks_for_money, counted_words, states_count, states_money
from retrieval.reasons import asks_why, states_reason
from retrieval.statements import asks_what_said, reports_speech
from retrieval.store import Article, Copy, Passage
from retrieval.text import searchable, split_sentences, stem, without_accents, words
from retrieval.times import asks_when, states_time

MAX_QUESTION_CHARS = 1000

# Function words and question words: they match nearly every passage, so as keywords they
# only add noise to BM25 (and to the choice of the sentence to highlight). So do words that
# ask for news rather than name it ("latest", "updates") and days relative to now: a story's
# "yesterday" is relative to its own date, not the reader's.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom whose why will with would you
    your yours yourself yourselves s t don according said says tell told know get got give
    given make made many much one ones another news article report reported happen happened
    happening
    latest newest recent recently lately currently anything updates today yesterday tonight
    tomorrow
    """.split()
)


@dataclass(frozen=True)
class Source:
    """The article a quote comes from, as a reader needs it to judge and follow it."""

    id: int
    url: str | None
    title: str
    publisher: str | None
    published: str | None
    also: tuple[Copy, ...] = ()  # the same story under other addresses: "also reported by"

    def also_reported_by(self) -> list[str]:
        """Other outlets that carried the story, by name (their site where unnamed)."""
        names: list[str] = []
        for copy in self.also:
            name = copy.publisher or (urlsplit(copy.url or "").hostname or "").removeprefix("www.") or None
            if name and name != self.publisher and name not in names:
                names.append(name)
        return names


@dataclass(frozen=True)
class Hit:
    passage_id: int
    text: str  # exact substring of the article's stored text
    highlight: str  # the sentence(s) of `text` that best answer the question
    highlight_start: int  # offset of `highlight` in `text`
    score: float
    article: Source


@dataclass(frozen=True)
class Answer:
    question: str
    hits: list[Hit]
    # Not answered, although a story is about what was asked: it lacks the detail asked for
    # (the sum a price question wants). Named to the reader, who may find more in it than
    # a quote could give.
    nearest: Source | None = None
    # How the question was read, when a misspelt word in it was read as another ("plauge
    # china" as "plague china"): what was searched for, and what the reader is shown.
    read_as: str | None = None

    @property
    def answered(self) -> bool:
        return bool(self.hits)


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    dense: float  # cosine between question and passage vectors
    keyword: float  # BM25 relative to the best keyword match for this question (0..1)
    holds_words: bool  # holds the question's words well enough to answer it (`holds_words`)
    reread: float = 0.0  # word-by-word match with the question (`reread_score`), once re-read
    # states what the question's kind asks for: the figure of a "how many" question
    # (`counts.states_count`), the sum of a price question (`counts.states_money`), a cause
    # for a "why" (`reasons.states_reason`), what was said for "what did X say"
    # (`statements.reports_speech`), a time for "when" (`times.states_time`), who someone
    # is for "who is X?" (`introductions`)
    states_asked: bool = False
    echoes: tuple[int, ...] = ()  # other articles found carrying this paragraph word for word

    @property
    def relevance(self) -> float:
        """What ranks candidates: meaning first, with a nudge for shared rare words, and
        for the shortlist, how well its words match the question's.

        A weighted sum rather than reciprocal rank fusion: measured on the development set
        (docs/relevance.md), RRF ranked no better than the cosine alone, because it throws
        away how far apart the cosines are; a small BM25 term lifts names and numbers that
        the small encoder blurs without overruling it.
        """
        return (
            self.dense
            + KEYWORD_WEIGHT * self.keyword
            + REREAD_WEIGHT * self.reread
            + KIND_WEIGHT * self.states_asked
        )

    def clears(self, floor: float) -> bool:
        return self.dense >= floor or self.holds_words


KEYWORD_WEIGHT = 0.1
# A "how many" question's answer states the count, a "why" question's a cause, a "what did
# X say" question's what was said: such a passage goes ahead of one that only matches the
# meaning. Measured (docs/relevance.md): for counts on the development set, Recall@1 0.743
# -> 0.771, the same from 0.15 to 0.5, no count question ranked lower; on the development
# set and on re-worded questions (bench.wordings), 8 of the 14 "why" questions ranked
# higher and 1 lower, best at 0.2 (tried 0.05 to 0.3), and 5 of the 12 "what did X say"
# ones higher, none lower (the same from 0.1 to 0.3).
KIND_WEIGHT = 0.2

# The best passages are re-read token by token: the question's every token (in context, as
# the encoder reads it) is matched with its closest token of the passage. One vector per
# passage blurs which of an article's paragraphs gives the detail asked; this does not.
# Measured on the development set (docs/relevance.md): Recall@1 0.657 -> 0.743, MRR 0.784
# -> 0.830, re-reading up to 3 passages (more gain nothing) at weight 0.75.
DEFAULT_REREAD = 3
REREAD_WEIGHT = 0.75
# Re-reading settles close calls: only passages within this much relevance of the best one
# are re-read, and none when the best leads them all. A clear lead rarely changes with
# re-reading, and the question is spared a model pass per passage (docs/relevance.md).
REREAD_MARGIN = 0.05


def close_call(shortlist: Sequence[Candidate], depth: int) -> int:
    """How many of the shortlist's first passages to re-read (at most `depth`): those in a
    close call between paragraphs of the best passage's article.

    Every paragraph of an article is embedded with its title and shares its subject, so
    their vectors blur which one states the detail asked; re-reading tells them apart.
    Between articles the vectors already differ. Re-reading those as well (measured on the
    development set) ranked one question lower and none higher, at 47% more model passes
    (docs/relevance.md)."""
    if not shortlist:
        return 0
    best = shortlist[0]
    run = 0
    for c in shortlist[:depth]:
        if c.passage.article_id != best.passage.article_id or best.relevance - c.relevance >= REREAD_MARGIN:
            break
        run += 1
    return run


# A question about what is new: "What's the latest on the dam protests?", "Any updates on
# the strike?", "What's happening in Hong Kong?", "What happened today?". Its answer is in
# the newest reports, while the meaning of an older one's paragraph may match the question
# as well or better. Not "now" or "still": too common in questions about one report ("What
# charges does he still face?") to give up re-reading for.
_ASKS_LATEST = re.compile(
    r"\b(?:latest|newest|most\s+recent|recent(?:ly)?|lately|updates|so\s+far|currently|right\s+now"
    r"|at\s+the\s+moment|these\s+days|any\s+news|what'?s\s+new|happening|today|tonight|yesterday"
    r"|this\s+(?:morning|week))\b",
    re.IGNORECASE,
)
# For such a question, passages within this much relevance of the best one are ordered
# newest article first; those further behind stay behind, however new.
LATEST_MARGIN = 0.1
# The passages ordered that way, whatever the number asked for, so that asking for more
# (the bot's "More" reaches 12) keeps the first ones in place.
LATEST_POOL = 12


# Words of a question for the news in general rather than about a story: "What's new?",
# "Any headlines?".
_GENERAL_NEWS = frozenset({"new", "headlines", "headline", "stories", "story", "week", "morning"})


def asked_kind(question: str) -> Callable[[str], bool] | None:
    """The test of a passage stating what the question's kind asks for (`KIND_WEIGHT`), or
    None for a question of no such kind."""
    if asks_for_money(question):
        return states_money  # a price question's figure is a sum: "tickets cost $45", not "Dec. 6"
    counted = counted_words(question)
    if counted is not None:
        return partial(states_count, counted)
    if asks_why(question):
        return states_reason
    if asks_what_said(question):
        return reports_speech
    if asks_when(question):
        return states_time
    return None


def asks_for_latest(question: str) -> bool:
    return _ASKS_LATEST.search(question) is not None


def asks_for_the_news(question: str, terms: Sequence[str]) -> bool:
    """Whether the question asks what is new without naming a subject ("What's the latest?",
    "Any updates today?"); `terms` are its keywords."""
    return asks_for_latest(question) and all(t in _GENERAL_NEWS for t in terms)


def newest_first(shortlist: Sequence[Candidate], dates: Mapping[int, str]) -> list[Candidate]:
    """The shortlist with the passages about as relevant as its best one ordered by their
    article's date (ISO, by article id), newest first, relevance breaking ties."""
    if not shortlist:
        return []
    best = max(c.relevance for c in shortlist)
    close = [c for c in shortlist if best - c.relevance <= LATEST_MARGIN]
    behind = [c for c in shortlist if best - c.relevance > LATEST_MARGIN]
    close.sort(key=lambda c: dates.get(c.passage.article_id, ""), reverse=True)  # stable
    return close + behind


def reread_score(question_tokens: np.ndarray, passage_tokens: np.ndarray) -> float:
    """Mean over the question's tokens of the cosine with the passage token closest to it
    (late interaction, as in ColBERT). Both are unit rows, one per token."""
    if not len(question_tokens) or not len(passage_tokens):
        return 0.0
    similarity = question_tokens @ passage_tokens.T.astype(np.float32)
    return float(similarity.max(axis=1).mean())


def normalize_question(question: str) -> str:
    return " ".join(question.split())


def keyword_terms(question: str, limit: int = 24) -> list[str]:
    terms: list[str] = []
    for word in words(question):
        if word not in STOPWORDS and word not in terms and (len(word) > 1 or word.isdigit()):
            terms.append(word)
    return terms[:limit]


def coverage(terms: Sequence[str], text: str) -> float:
    """Share of the terms that `text` holds (compared by crude stem: "missiles" ~ "missile")."""
    if not terms:
        return 0.0
    finder, stems = _term_finder(tuple(terms))
    have = set(map(stem, finder.findall(without_accents(searchable(text).lower()))))
    return sum(s in have for s in stems) / len(terms)


@functools.lru_cache(maxsize=256)
def _term_finder(terms: tuple[str, ...]) -> tuple[re.Pattern[str], list[str]]:
    """A pattern for the words that may share a stem with one of the terms, and the terms'
    stems. A stem is a prefix of its word, so only words opening with one of the stems can
    match: a search checks dozens of passages per question, and stemming only those words
    instead of all of them halves what the check costs."""
    stems = [stem(without_accents(t)) for t in terms]
    openings = "|".join(map(re.escape, sorted(set(stems), key=len, reverse=True)))
    return re.compile(rf"\b(?:{openings})\w*"), stems


# Capitalised words that name no subject: a question's dates ("on Nov. 19", "on Monday"),
# and the titles before a name ("General Brown"), which any story may hold.
_NOT_NAMES = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday
    mr mrs ms dr prof sir gen gov sen rep lt col sgt capt general president senator governor
    minister prime chancellor king queen prince princess pope judge mayor chief secretary
    ambassador
    """.split()
)
_CAPITALISED = re.compile(r"(?<!^)\b[A-Z][\w'’-]*")


def named_words(question: str) -> list[str]:
    """The words a question capitalises, but for its first and its function words and dates:
    the names of what it is about ("Where was Fritz von Weizsacker stabbed?" -> fritz,
    weizsacker)."""
    found: list[str] = []
    for capitalised in _CAPITALISED.findall(question.strip()):
        found.extend(
            w
            for w in words(capitalised)
            if len(w) > 1 and w not in STOPWORDS and w not in _NOT_NAMES and w not in found
        )
    return found


def on_subject(names: Sequence[str], title: str, text: str) -> bool:
    """Whether an article names any of what a question names (`named_words`)."""
    return coverage(names, f"{title}\n{text}") > 0


# A subject typed as into a search box asks no question: "Assange", "Hitler house",
# "Stadia reviews?". What is wanted is the story, which news tells in its opening paragraph.
TOPIC_TERMS = 4
_ASKS_SOMETHING = re.compile(
    r"^\W*(?:what|whats|who|whom|whose|when|where|why|how|which|is|are|was|were|do|does|did|can|"
    r"could|will|would|should|has|have|had|tell|explain|show|give|list|describe|any)\b",
    re.IGNORECASE,
)


# Or asks for the story itself: "What happened in Hong Kong?", "Tell me about Stadia".
_ASKS_FOR_THE_STORY = re.compile(
    r"^\W*(?:what\s*(?:'s|’s|\s+is|\s+was)?\s+(?:happening|going\s+on)|what\s+happened|tell\s+me\s+about"
    r"|(?:any\s+)?news\s+(?:on|about|of))\b",
    re.IGNORECASE,
)


def names_a_topic(question: str, terms: Sequence[str]) -> bool:
    """Whether the question is only a subject, a few words that ask nothing of it, or asks
    for the story about it."""
    return (
        0 < len(terms) <= TOPIC_TERMS
        and len(words(question)) <= TOPIC_TERMS + 6
        and (
            _ASKS_FOR_THE_STORY.match(question) is not None
            or (len(words(question)) <= TOPIC_TERMS + 2 and not _ASKS_SOMETHING.match(question))
        )
    )


def covers(terms: Sequence[str], text: str) -> bool:
    """Whether `text` holds every term."""
    return bool(terms) and coverage(terms, text) == 1.0


# A specific question (this many content words or more) whose words are mostly absent from
# every article that would be quoted asks about something those articles do not report:
# "What agreement on prisoner exchanges did Gerasimov and Brown reach?" over an article on
# their call that mentions no agreement. Shorter questions are vaguer and paraphrase more
# ("What weapon was discussed?"), so for them the cosine floor alone decides.
SPECIFIC_QUESTION_TERMS = 4
MIN_ARTICLE_COVERAGE = 0.5

# A long question (this many content words or more) is answered only when a passage clears
# a higher cosine floor. It spells out what it asks about, and an answer shares that
# meaning: on the development set, whose questions mostly have 8 to 16 content words, no
# answerable one's best passage scores under 0.50 (5th percentile 0.56), while questions
# about a detail the articles do not report reach 0.44 and 0.50 ("What agreement on
# prisoner exchanges did Gerasimov and Brown reach...?" against the article on their call).
# Chat questions are shorter and paraphrase more ("When did Virginia Democrats last control
# the legislature?" scores 0.45 against its answer), so they keep the configured floor.
# Once one passage clears the raised floor (or holds two thirds of the words, as below),
# the others quoted beside it need only the configured one. Measured in docs/relevance.md.
LONG_QUESTION_TERMS = 8
LONG_QUESTION_RAISE = 0.1


def relevance_floor(terms: Sequence[str], floor: float) -> float:
    """The cosine a passage needs to answer a question with these keywords, given the
    configured floor (`NEWSBOT_MIN_RELEVANCE`)."""
    return floor + LONG_QUESTION_RAISE if len(terms) >= LONG_QUESTION_TERMS else floor


# Up to this many keywords, a passage holding all of them answers whatever its cosine: a
# name search ("Oreshnik", "ATACMS missiles"), which the sentence encoder finds nearly
# meaningless.
MAX_NAME_SEARCH_TERMS = 3
# A specific question is a sentence, and sharing its words is no evidence of answering it by
# itself. Two thirds of them in one passage at a cosine just under the floor are: "What did
# the New York Times report the two generals discussed?" scores 0.36 against "...the New
# York Times reported that the pair discussed...", and "Who won the US presidential
# election in November?" 0.30 against "...since Donald Trump won the presidential election
# in November". Measured in docs/relevance.md: no off-topic question gets through at 0.25.
HELD_SHARE = 2 / 3
HELD_MIN_COSINE = 0.25


def holds_words(terms: Sequence[str], text: str, dense: float) -> bool:
    """Whether a passage holds the question's words well enough to answer it below the
    relevance floor: all of a name search's, or two thirds of a specific question's."""
    if len(terms) <= MAX_NAME_SEARCH_TERMS:
        return covers(terms, text)
    if len(terms) >= SPECIFIC_QUESTION_TERMS and dense >= HELD_MIN_COSINE:
        return coverage(terms, text) >= HELD_SHARE
    return False


# What each passage already quoted from an article costs the next one from it: another
# source is quoted first when it answers about as well. Measured on the development set
# (docs/relevance.md), where answers sit in one article: 0.5 pushed the answering paragraph
# below other articles' weaker ones (Recall@5 0.943); 0.05 keeps it (0.971).
SAME_ARTICLE_PENALTY = 0.05


def choose(
    candidates: Sequence[Candidate], k: int, floor: float, same_article_penalty: float = SAME_ARTICLE_PENALTY
) -> list[Candidate]:
    """Up to k candidates that clear the relevance floor, best first, preferring passages
    from articles not yet quoted when those answer about as well. A paragraph that several
    articles carry word for word (wire copy inside a longer story, a background paragraph
    reused in follow-ups) is quoted once, from where it ranks best, noting the others."""
    # Exact copies are merged up front, which is cheap and keeps the loop below short when a
    # search gathers dozens of them; copies differing in case or punctuation are caught as
    # they come up, by their words (which costs a regex per passage chosen).
    copies: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.clears(floor):
            copies.setdefault(c.passage.text, []).append(c)
    pool = [_merged(same) for same in copies.values()]
    chosen: list[Candidate] = []
    quoted: dict[str, int] = {}  # a chosen passage's words -> its place in `chosen`
    per_article: dict[int, int] = {}
    while pool and len(chosen) < k:
        best = max(
            pool, key=lambda c: c.relevance - same_article_penalty * per_article.get(c.passage.article_id, 0)
        )
        pool.remove(best)
        wording = wording_of(best.passage.text)
        if wording in quoted:
            at = quoted[wording]
            chosen[at] = echoed(best, chosen[at])
            continue
        quoted[wording] = len(chosen)
        chosen.append(best)
        per_article[best.passage.article_id] = per_article.get(best.passage.article_id, 0) + 1
    return chosen


def wording_of(text: str) -> str:
    """The words of a text, as copies of a paragraph that differ in case or punctuation share."""
    return " ".join(words(text))


def _relevance(c: Candidate) -> float:
    return c.relevance


def _merged(copies: list[Candidate]) -> Candidate:
    """The best of candidates with the same text, noting the others' articles."""
    if len(copies) == 1:
        return copies[0]
    kept = max(copies, key=_relevance)
    others = [a for c in copies if c is not kept for a in (c.passage.article_id, *c.echoes)]
    return replace(kept, echoes=(*kept.echoes, *others))


def echoed(copy: Candidate, kept: Candidate) -> Candidate:
    """`kept`, noting that `copy`'s article carries the same paragraph."""
    return replace(kept, echoes=(*kept.echoes, copy.passage.article_id, *copy.echoes))


def highlight_span(question: str, passage: str) -> tuple[int, int]:
    """(start, end) in `passage` of the sentence that shares the most with the question,
    longer (rarer) words counting for more, and first one that states what the question's
    kind asks for (the count, the sum, the cause: `asked_kind`); extended by the next
    sentence when too short to stand alone, or when the next goes on from it (`_GOES_ON`)."""
    wanted = {stem(w) for w in keyword_terms(question)}
    sentences = split_sentences(passage)
    if not sentences:
        return 0, len(passage)
    states_asked = asked_kind(question)

    def overlap(span: tuple[int, int]) -> float:
        found = {stem(w) for w in words(passage[span[0] : span[1]])} & wanted
        return sum(min(len(w), 7) for w in found)

    def gives_asked(span: tuple[int, int]) -> bool:
        return states_asked is not None and states_asked(passage[span[0] : span[1]])

    scores = [(gives_asked(span), overlap(span)) for span in sentences]
    best = max(range(len(sentences)), key=lambda i: (*scores[i], -i))
    start, end = sentences[best]
    if best + 1 < len(sentences):
        after, following = sentences[best + 1]
        same_paragraph = "\n" not in passage[end:after]
        if len(words(passage[start:end])) < 6 or (
            same_paragraph and _GOES_ON.match(passage, after, following)
        ):
            end = following
    return start, end


# A sentence that opens with a pronoun or a connective goes on from the one before it, and
# often gives what the question asks of that one: "A police sergeant searched that same
# hotel room but did not find the girl. He was later fired." (What happened to him?) So the
# highlight takes it too, within its paragraph. Measured on the development and re-worded
# questions (docs/relevance.md, "Ranking"): the highlight of the answering passage held the
# answer 61 → 62 of 69 and 47 → 50 of 55 times.
_GOES_ON = re.compile(
    r"[\"“‘']?(?:He|She|It|They|His|Her|Its|Their|This|That|These|Those|But|However|And|So|Yet|Instead)\b"
)


def with_copies(hit: Hit, found: Sequence[Copy]) -> Hit:
    return replace(hit, article=replace(hit.article, also=tuple(found))) if found else hit


def make_hit(question: str, candidate: Candidate, article: Article, score: float) -> Hit:
    passage = candidate.passage
    start, end = highlight_span(question, passage.text)
    return Hit(
        passage_id=passage.id,
        text=passage.text,
        highlight=passage.text[start:end],
        highlight_start=start,
        score=round(score, 4),
        article=source_of(article),
    )


def source_of(article: Article) -> Source:
    return Source(article.id, article.url, article.title, article.publisher, article.published)
