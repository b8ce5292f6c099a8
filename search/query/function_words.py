"""Function words to leave out of sentence-long queries.

The index keeps all but Lucene's 33 stop words, so `us` and `may` stay findable
and a short query means what it says. A sentence-long query ("what problems are
there in making up descriptive titles?") is prose, though: its `what`, `there`
and `up` match most paragraphs and only add noise to the ranking. For queries
longer than `KEYWORDS` words, these (NLTK's English list, with contractions
written whole) are dropped; from a German sentence ("welche Maßnahmen hat die
Regierung gegen die Arbeitslosigkeit ergriffen"), the German ones.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq

from search.query.plan import KEYWORDS

FUNCTION_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now d ll m o re ve y ain aren couldn didn doesn
    hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn
    also would could might must shall may us
    """.split()
    # The split pieces above (`don`, `t`) are what NLTK's tokenizer makes of a
    # contraction; ours keeps it whole, so the whole forms are listed too.
    + """
    i'm i'd i've i'll you're you've you'd you'll he'd he'll she'd she'll it'll we're
    we've we'd we'll they're they've they'd they'll that'll there'll what're who've
    don't doesn't didn't can't cannot couldn't won't wouldn't shan't shouldn't
    should've could've would've might've must've isn't aren't wasn't weren't hasn't
    haven't hadn't mightn't mustn't needn't ain't
    """.split()
)

# Snowball's German stop list, with `dass` (the spelling since 1996) and the question
# words a request starts with. Several are English content words (`die`, `war`,
# `will`, `man`, `hat`, `bin`), so this list applies only to a query that has more
# German function words than English ones.
GERMAN_FUNCTION_WORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen
    anderer anderes anderm andern anderr anders auch auf aus bei bin bis bist da
    damit dann der den des dem die das daß dass du dies diese dieselbe dieselben
    diesem diesen dieser dieses dich dir doch dort durch ein eine einem einen einer
    eines einig einige einigem einigen einiger einiges einmal er ihn ihm es etwas
    euer eure eurem euren eurer eures für gegen gewesen hab habe haben hat hatte
    hatten hier hin hinter ich mich mir ihr ihre ihrem ihren ihrer ihres euch im in
    indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt
    kann kein keine keinem keinen keiner keines können könnte machen man manche
    manchem manchen mancher manches mein meine meinem meinen meiner meines mit muss
    musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen
    seiner seines selbst sich sie ihnen sind so solche solchem solchen solcher
    solches soll sollte sondern sonst über um und uns unsere unserem unseren unser
    unseres unter viel vom von vor während war waren warst was weg weil weiter
    welche welchem welchen welcher welches wenn werde werden wie wieder will wir
    wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen
    wer wen wem wessen warum wann wieso weshalb woher wohin
    """.split()
)
# Each list by the query field whose stems it is compared with.
BY_FIELD = {"text": FUNCTION_WORDS, "text_de": GERMAN_FUNCTION_WORDS}


def is_function_word(part: wq.Query, stems: set[str], field: str = "text") -> bool:
    """Whether `part` is one function word of `field`'s language (`stems`: that
    language's function words as `field`'s analyzer stems them). Only its term in that
    field says so: the German field stems `where` to `wher`, `have` to `hav`."""
    leaves = list(part.leaves())
    if not leaves or not all(isinstance(leaf, wq.Term) for leaf in leaves):
        return False
    texts = [leaf.text for leaf in leaves if leaf.field() == field]
    return bool(texts) and all(text in stems for text in texts)


def searched(
    free: list[wq.Query], stems_of: Callable[[str], set[str]], drop: bool = True
) -> list[bool]:
    """Which free words a relaxed query searches for: all of them, but a sentence's
    function words only when it has nothing else (`drop` False: all of them).

    A sentence is German when at least two of its words are German function words
    and not English ones, and more than the other way round: one such word can be
    an English one's stem (`due` -> `du`) or an English noun (`man`, `die`)."""
    if drop and len(free) > KEYWORDS:
        english = [is_function_word(part, stems_of("text")) for part in free]
        german = [is_function_word(part, stems_of("text_de"), "text_de") for part in free]
        german_only = sum(g and not e for e, g in zip(english, german, strict=True))
        english_only = sum(e and not g for e, g in zip(english, german, strict=True))
        is_german = german_only >= 2 and german_only > english_only
        function = german if is_german else english
        if not all(function):
            return [not f for f in function]
    return [True] * len(free)
