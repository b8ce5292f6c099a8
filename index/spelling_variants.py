"""British and American spellings of `-ise/-ize`, `-isation/-ization`, `-yse/-yze` as one word.

`privatisation` and `privatization` are one word to a reader, but no stemmer
merges them (Snowball English gives `privatis` and `privat`), and a written-forms
field keeps them apart by design. So both the English stem field and the written
forms field fold the British spelling to the American one, before stemming.

Folding by suffix alone would break words that only look alike: `rise` is not
`rize`, `wise` not `wize`, `surprise` not `surprize`. A British form is folded only
when its American twin is a word of American English and the British form itself
is not: the list of such American words (`data/american_ize_words.txt`) is derived
from pyspellchecker's English word-frequency dictionary, an American list, by
`python -m index.spelling_variants` (a test checks the file against the package;
the package is not needed at run time, and its dictionary takes 0.6 s to load).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("data") / "american_ize_words.txt"

# American ending -> British ending, longest first (so `-izations` is tried before `-ize`).
_ENDINGS = {
    "izations": "isations",
    "ization": "isation",
    "izing": "ising",
    "izers": "isers",
    "izer": "iser",
    "izes": "ises",
    "ized": "ised",
    "ize": "ise",
    "yzing": "ysing",
    "yzers": "ysers",
    "yzer": "yser",
    "yzes": "yses",
    "yzed": "ysed",
    "yze": "yse",
}
_BRITISH_ENDINGS = tuple(sorted(set(_ENDINGS.values()), key=len, reverse=True))


def british_form(american: str) -> str | None:
    """The British spelling of an American `-ize`/`-yze` word, or None."""
    for ending, british in _ENDINGS.items():
        if american.endswith(ending):
            return american[: -len(ending)] + british
    return None


def derive(words: dict[str, int] | set[str]) -> list[str]:
    """From an American word list: the `-ize`/`-yze` words whose British spelling is
    not a word of the list itself (so `surprise`, `exercise` and `analyses`, the
    plural of analysis, are never folded)."""
    known = set(words)
    found = []
    for word in known:
        british = british_form(word)
        if british is not None and british not in known and len(word) > 4:
            found.append(word)
    return sorted(found)


@lru_cache(maxsize=1)
def folds() -> dict[str, str]:
    """British spelling -> American spelling, for every word of WORDS_FILE."""
    table: dict[str, str] = {}
    for line in WORDS_FILE.read_text("utf-8").split():
        british = british_form(line)
        if british is not None:
            table[british] = line
    return table


def american(word: str) -> str:
    """`word` in its American spelling when it is a British `-ise/-isation/-yse` form."""
    if word.endswith(_BRITISH_ENDINGS):
        return folds().get(word, word)
    return word


def _pyspellchecker_words() -> dict[str, int]:
    import gzip
    import json
    from importlib.resources import files

    data = (files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    return json.loads(gzip.decompress(data))


def main() -> None:
    """Write WORDS_FILE from pyspellchecker's English dictionary."""
    words = derive(_pyspellchecker_words())
    WORDS_FILE.write_text("\n".join(words) + "\n", "utf-8")
    print(f"wrote {len(words)} words to {WORDS_FILE}")


if __name__ == "__main__":
    main()
