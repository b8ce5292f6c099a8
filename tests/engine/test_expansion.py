"""Wildcards, fuzzy terms and ranges expand to what Whoosh's own rules give, once per
search, and stop at the deadline or the cap in any thread (the TUI's workers)."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta

import pytest
from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from index.documents import Document, Paragraph
from index.indexer import index_paths
from index.whoosh.storage import ParagraphWriter, create_index, open_index
from search.engine import Engine
from search.whoosh import patterns as expansion
from tests.index.test_parallel import WORDS, make_folder

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """Two commits, so two segments: expansions run per segment and over both."""
    out = tmp_path_factory.mktemp("ix")
    first = make_folder(tmp_path_factory.mktemp("a"), files=20, paragraphs=6, seed=3)
    second = make_folder(tmp_path_factory.mktemp("b"), files=20, paragraphs=6, seed=4)
    index_paths([first], out)
    index_paths([second], out)
    return out


def in_thread(fn):
    """Run `fn` in a worker thread (where no signal can interrupt it); its result."""
    out = {}

    def run() -> None:
        out["value"] = fn()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return out["value"]


def fuzzy_reference(reader, fieldname: str, text: str, maxdist: int, prefix: int) -> set[bytes]:
    """Whoosh's documented rule (IndexReader.terms_within): Damerau-Levenshtein."""
    found = set()
    for btext in reader.lexicon(fieldname):
        word = btext.decode()
        if word[:prefix] == text[:prefix] and damerau_levenshtein(word, text) <= maxdist:
            found.add(btext)
    return found


def test_the_index_has_several_segments(index_dir):
    with Engine(index_dir) as engine:
        assert len(engine.backend.searcher.reader().leaf_readers()) >= 2


@pytest.mark.parametrize(
    "text,maxdist,prefix",
    [("wheat", 1, 0), ("whaet", 1, 0), ("harvset", 2, 0), ("markt", 2, 1), ("ol", 1, 0)],
)
def test_fuzzy_terms_expand_as_whoosh_defines_them(index_dir, text, maxdist, prefix):
    with Engine(index_dir) as engine:
        reader = engine.backend.searcher.reader()
        ours = expansion.FuzzyTerm("text", text, maxdist=maxdist, prefixlength=prefix)
        expected = fuzzy_reference(reader, "text", text, maxdist, prefix)
        assert set(ours._btexts(reader)) == expected
        assert expected or text == "ol"  # the cases are not vacuous
        for leaf, _ in reader.leaf_readers():  # and segment by segment
            assert set(ours._btexts(leaf)) == fuzzy_reference(leaf, "text", text, maxdist, prefix)


def test_a_swap_of_two_letters_is_one_edit(index_dir):
    with Engine(index_dir) as engine:
        result = engine.search("whaet~1")  # wheat, with two letters swapped
        assert result.total == engine.search("wheat").total > 0
        assert not result.partial


@pytest.mark.parametrize(
    "kind,text",
    [
        (wq.Prefix, "wh"),
        (wq.Prefix, "o"),
        (wq.Wildcard, "*ea*"),
        (wq.Wildcard, "w?eat"),
        (wq.Wildcard, "h*t"),
        (wq.Regex, "^c.*n$"),
    ],
)
def test_patterns_expand_like_whoosh(index_dir, kind, text):
    ours_kind = {wq.Prefix: expansion.Prefix, wq.Wildcard: expansion.Wildcard}.get(
        kind, expansion.Regex
    )
    with Engine(index_dir) as engine:
        reader = engine.backend.searcher.reader()
        expected = set(kind("text", text)._btexts(reader))
        assert expected
        assert set(ours_kind("text", text)._btexts(reader)) == expected
        # a second time from the kept word lists
        assert set(ours_kind("text", text)._btexts(reader)) == expected


def test_searches_give_the_same_paragraphs_as_whoosh_alone(index_dir):
    with Engine(index_dir) as engine:
        for text in ("wh*", "*ea*", "harvset~2", "wheat~1 OR corn*", "w?eat ol*"):
            q = engine.plan(text).query
            assert any(isinstance(leaf, expansion._Timed) for leaf in q.leaves())
            stock = q.accept(_unswap)
            assert not any(isinstance(leaf, expansion._Timed) for leaf in stock.leaves())
            with expansion.budget(None):
                ours = set(engine.backend.searcher.docs_for_query(q))
            assert ours == set(engine.backend.searcher.docs_for_query(stock)), text


def _unswap(node):
    for stock in (wq.FuzzyTerm, wq.Prefix, wq.Wildcard, wq.Regex, wq.NumericRange):
        if isinstance(node, stock) and type(node) is not stock:
            twin = stock.__new__(stock)
            twin.__dict__.update(node.__dict__)
            return twin
    return node


def test_date_ranges_match_whoosh_over_several_segments(tmp_path):
    rng = random.Random(9)
    index_dir = tmp_path / "index"
    create_index(index_dir)
    dates = {}
    for batch in range(3):  # three commits, three segments
        writer = ParagraphWriter(open_index(index_dir), index_dir)
        for n in range(40):
            key = f"d{batch}-{n}"
            dates[key] = datetime(1987, 1, 1) + timedelta(seconds=rng.randrange(86400 * 400))
            paragraphs = [Paragraph(1, f"A {rng.choice(WORDS)} dispatch from the harbour.")]
            doc = Document(key, f"Dispatch {key}", paragraphs)
            doc.date = dates[key]
            writer.add_document(doc, f"r/{key}", "r", f"{key}.txt")
        writer.commit()
    with Engine(index_dir) as engine:
        assert len(engine.backend.searcher.reader().leaf_readers()) >= 2
        for _ in range(15):
            a, b = sorted(rng.sample(sorted(dates.values()), 2))
            text = f"date:[{a:%Y-%m-%d} TO {b:%Y-%m-%d}]"
            q = engine.plan(text).query
            assert isinstance(q, expansion.NumericRange)
            with expansion.budget(None):
                ours = sorted(engine.backend.searcher.docs_for_query(q))
            assert ours == sorted(engine.backend.searcher.docs_for_query(_unswap(q))), text
            got = {h.doc_id for h in engine.search(f"harbour {text}", limit=None).hits}
            lo, hi = a.replace(hour=0, minute=0, second=0), b.replace(hour=23, minute=59)
            assert got == {k for k, v in dates.items() if lo <= v <= hi.replace(second=59)}


def test_expansion_past_the_deadline_stops_in_a_worker_thread(index_dir):
    """The TUI searches from threads: no signal can stop a long expansion there."""

    def search():
        with Engine(index_dir) as engine:
            engine.time_limit = 1e-9  # already past when the words are read
            return engine.search("harvset~2 OR *ea*")

    result = in_thread(search)
    assert result.partial
    assert any("partial" in n for n in result.notices)
    # Nothing truncated was kept: the same search without a limit is complete.
    with Engine(index_dir) as engine:
        engine.time_limit = None
        full = engine.search("harvset~2 OR *ea*")
    assert not full.partial and full.total > result.total


def test_a_budget_past_its_deadline_expands_nothing_and_says_so(index_dir):
    def expand():
        with Engine(index_dir) as engine:
            reader = engine.backend.searcher.reader()
            with expansion.budget(0.0) as spent:  # a deadline long gone
                words = expansion.Wildcard("text", "*e*")._btexts(reader)
            return words, spent.cut

    words, cut = in_thread(expand)
    assert cut and words == []


def test_a_pattern_with_too_many_words_keeps_the_most_common(index_dir, monkeypatch):
    monkeypatch.setattr(expansion, "MAX_EXPANSIONS", 3)

    def run():
        with Engine(index_dir) as engine:
            reader = engine.backend.searcher.reader()
            leaves = [leaf for leaf, _ in reader.leaf_readers()]
            with expansion.budget(None) as spent:
                words = expansion.Wildcard("text", "*e*")._btexts(reader)
            every = set(wq.Wildcard("text", "*e*")._btexts(reader))
            result = engine.search("*e*")
            common = max(every, key=lambda w: reader.doc_frequency("text", w))
            return words, every, spent.capped, result, len(leaves), common

    words, every, capped, result, segments, common = in_thread(run)
    assert len(every) > 3
    assert 0 < len(words) <= 3 * segments  # at most the cap per segment
    assert common in words
    assert capped == {"*e*": max(capped.values())} and capped["*e*"] > 3
    assert result.partial
    assert any("most common" in n for n in result.notices)


def test_expansions_are_done_once_per_search(index_dir, monkeypatch):
    calls = []
    original = expansion._fuzzy_words

    def counting(q, reader, spent):
        calls.append((id(reader), q.fieldname))
        return original(q, reader, spent)

    monkeypatch.setattr(expansion, "_fuzzy_words", counting)
    with Engine(index_dir) as engine:
        engine.search("harvset~2", explain=True)  # ranking, estimates, explain, highlight
    assert calls and len(calls) == len(set(calls))


def test_totals_and_top_ten_are_exact_when_the_top_ten_is_full(tmp_path):
    """Once its top ten is full, Whoosh's collector prunes the parts of the query
    it judges unable to reach it (here: the title), so it did not count those
    paragraphs. Over 5,000 paragraphs, where Whoosh switches to that matcher."""
    index_dir = tmp_path / "index"
    create_index(index_dir)
    writer = ParagraphWriter(open_index(index_dir), index_dir)
    rng = random.Random(2)
    for n in range(640):
        paragraphs = [
            Paragraph(i, " ".join(rng.choice(WORDS) for _ in range(5)) + ".") for i in range(1, 9)
        ]
        if n % 3 == 0:  # a strong paragraph: the word three times in a short text
            paragraphs.insert(0, Paragraph(0, "Oil, oil and more oil."))
        writer.add_document(Document(f"d{n}", f"Oil report {n}", paragraphs), f"r/{n}", "r", f"{n}")
    writer.commit()
    with Engine(index_dir) as engine:
        everything = engine.search("oil", limit=None).total
        assert everything == 640 * 8 + 214  # every paragraph: the title says oil
        for limit in (1, 2, 5, 10, 20):
            assert engine.search("oil", limit=limit).total == everything
        for text in ("oil wheat", "oil -wheat", "oil OR wheat", "wheat oil*", "oil corn wheat"):
            top = engine.search(text, limit=10)
            assert top.total == engine.count_all_words(text), text
            # and the ten shown are the ten best of the complete ranking
            every = engine.search(text, limit=None, suggest=False)
            assert [h.docnum for h in top.hits] == [h.docnum for h in every.hits[:10]], text


def _scores(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}


def _bm25_sum(searcher, q: wq.MultiTerm) -> dict[int, float]:
    """Whoosh's own tree of per-word matchers, each word scored by the searcher's BM25."""
    words = list(q._btexts(searcher.reader()))
    union = wq.Or([wq.Term(q.fieldname, w) for w in words])
    union.matcher_type = wq.Or.DEFAULT_MATCHER
    return _scores(searcher, union)


@pytest.mark.parametrize(
    "leaf",
    [
        expansion.Prefix("text", "wh"),
        expansion.Wildcard("text", "*ea*"),
        expansion.FuzzyTerm("text", "harvset", maxdist=2, prefixlength=1),
        expansion.FuzzyTerm("text", "whet", maxdist=1, prefixlength=0),
    ],
    ids=str,
)
def test_expanded_words_are_ranked_by_the_sum_of_their_bm25(index_dir, leaf):
    """An expansion's words are scored from their postings in one pass per segment,
    to the BM25 sum Whoosh's tree of per-word matchers gives. (Whoosh's own
    expansion gave every paragraph 1.0 in segments under 5,000 paragraphs, like
    these, and the BM25 sum in larger ones.)"""
    with Engine(index_dir) as engine:
        searcher = engine.backend.searcher
        expected = _bm25_sum(searcher, leaf)
        assert len(set(expected.values())) > 1  # really ranked
        with expansion.budget(None):
            ours = _scores(searcher, leaf)
            segment = searcher.subsearchers[0][0]
            if len(leaf._btexts(segment.reader())) > 1:  # the one-pass path
                assert isinstance(leaf.matcher(segment), expansion._DocList)
            # the whole-index matcher (the score breakdown's) gives the same scores
            whole = leaf.matcher(searcher)
            breakdown = {}
            while whole.is_active():
                breakdown[whole.id()] = whole.score()
                whole.next()
        assert ours.keys() == expected.keys() == breakdown.keys()
        for docnum, score in expected.items():
            assert ours[docnum] == pytest.approx(score, rel=1e-9), docnum
            assert breakdown[docnum] == pytest.approx(score, rel=1e-9), docnum


def test_expanded_words_skip_deleted_paragraphs(tmp_path):
    """A segment with deletions is read through Whoosh's filtering matcher."""
    folder = make_folder(tmp_path / "docs", files=12, paragraphs=5, seed=6)
    index_dir = tmp_path / "index"
    index_paths([folder], index_dir)
    (sorted(folder.iterdir())[0]).unlink()
    index_paths([folder], index_dir, prune=True)
    with Engine(index_dir) as engine:
        assert any(r.has_deletions() for r, _ in engine.backend.searcher.reader().leaf_readers())
        for text in ("wh*", "harvsted~2"):  # written forms: `harvested`
            q = engine.plan(text).query
            with expansion.budget(None):
                ours = _scores(engine.backend.searcher, q)
            leaf = next(x for x in q.leaves() if x.field() == "exact")  # written forms
            stock = _bm25_sum(engine.backend.searcher, leaf)
            assert ours.keys() == stock.keys() and ours
            assert all(ours[d] == pytest.approx(s, rel=1e-9) for d, s in stock.items())


def test_fuzzy_words_keep_their_first_letter_unless_told(index_dir):
    with Engine(index_dir) as engine:
        rose = engine.search("rose").total
        assert rose > 0
        assert engine.search("hose~").total == 0  # `rose` differs in the first letter
        assert engine.search("hose~/0").total == rose  # /0: any first letter
        assert engine.search("hose~1/0").total == rose
        assert engine.search("rsoe~").total == rose  # a swap after the first letter
        leaf = next(iter(engine.plan("hose~2/3").query.leaves()))
        assert (leaf.maxdist, leaf.prefixlength) == (2, 3)


def _dated_index(index_dir, batches: int, rng: random.Random, dates: dict) -> None:
    """Paragraphs dated over 1987, one commit (segment) per batch."""
    if not index_dir.exists():
        create_index(index_dir)
    for _batch in range(batches):
        writer = ParagraphWriter(open_index(index_dir), index_dir)
        for _n in range(30):
            key = f"d{len(dates)}"
            dates[key] = datetime(1987, 1, 1) + timedelta(seconds=rng.randrange(86400 * 365))
            doc = Document(key, f"Dispatch {key}", [Paragraph(1, "A dispatch from the harbour.")])
            doc.date = dates[key]
            writer.add_document(doc, f"r/{key}", "r", f"{key}.txt")
        writer.commit()


def test_a_date_range_is_kept_per_segment_and_stays_exact(tmp_path, monkeypatch):
    """A range's paragraphs are kept per segment across searches (a TUI filter is
    asked again at every keystroke); a new segment is read, old ones are not."""
    rng = random.Random(5)
    index_dir, dates = tmp_path / "index", {}
    _dated_index(index_dir, 2, rng, dates)
    gathered = []
    original = expansion._gather

    def counting(part, reader, offset, ids, spent):
        gathered.append(id(reader))
        return original(part, reader, offset, ids, spent)

    monkeypatch.setattr(expansion, "_gather", counting)
    text = "harbour date:[1987-03-01 TO 1987-06-30]"

    def expected() -> set[str]:
        return {k for k, v in dates.items() if datetime(1987, 3, 1) <= v < datetime(1987, 7, 1)}

    with Engine(index_dir) as engine:
        first = {h.doc_id for h in engine.search(text, limit=None).hits}
        assert first == expected() and first
        read = set(gathered)
        gathered.clear()
        again = {h.doc_id for h in engine.search(text, limit=None).hits}
        assert again == first and not gathered  # kept: nothing read again
        _dated_index(index_dir, 1, rng, dates)  # a third segment
        assert engine.refresh()
        third = {h.doc_id for h in engine.search(text, limit=None).hits}
        assert third == expected() and third > first
        assert gathered and not set(gathered) & read  # only the new segment was read
        other = engine.search("harbour date:[1987-03-01 TO 1987-03-31]", limit=None)
        assert {h.doc_id for h in other.hits} == {
            k for k, v in dates.items() if datetime(1987, 3, 1) <= v < datetime(1987, 4, 1)
        }


def test_a_date_range_cut_at_the_deadline_is_not_kept(tmp_path):
    rng = random.Random(6)
    index_dir, dates = tmp_path / "index", {}
    _dated_index(index_dir, 2, rng, dates)
    text = "date:[1987-02-01 TO 1987-11-30]"

    def search():
        engine = Engine(index_dir)
        engine.time_limit = 1e-9  # past before the range is read
        return engine, engine.search(text, limit=None)

    engine, cut = in_thread(search)
    assert cut.partial
    engine.time_limit = None
    full = engine.search(text, limit=None)  # the same segment readers, no limit
    assert not full.partial and full.total > cut.total
    in_range = [v for v in dates.values() if datetime(1987, 2, 1) <= v < datetime(1987, 12, 1)]
    assert full.total == len(in_range)
    engine.close()


def test_a_prefix_walk_is_kept_per_segment(index_dir, monkeypatch):
    """Did-you-mean and prefixes look words up by a seek to the prefix when the
    segment's word list is not read: the second search with the same prefix does not walk."""
    import search.whoosh.patterns

    walks = []
    original = search.whoosh.patterns.prefix_terms

    def counting(reader, fieldname, prefix):
        walks.append((fieldname, prefix))
        return original(reader, fieldname, prefix)

    monkeypatch.setattr(search.whoosh.patterns, "prefix_terms", counting)
    with Engine(index_dir) as engine:
        first = engine.search("wh*", limit=None)
        assert walks and first.total > 0
        walks.clear()
        again = engine.search("wh*", limit=None)
        assert not walks  # kept
        assert [h.docnum for h in again.hits] == [h.docnum for h in first.hits]
        engine.search("whaet~1")  # a fuzzy word with the same first letters: a new walk
        assert walks and all(prefix == "w" for _, prefix in walks)
