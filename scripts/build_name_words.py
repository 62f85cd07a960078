"""Build guard/data/words_en.txt and words_de.txt: everyday English words and German common nouns,
without proper nouns, so that a name detector can tell "will", "rose", "mark", "Koch", "Muster"
(words that are also names: names only with context) from "Steve", "Bieber", "Merkel" (names).

Frequency alone cannot tell them apart (names are frequent words too: "john" is as frequent as
"rose", "Merkel" as "Muster"). Dictionaries that keep proper nouns apart can:

* English: LemmInflect's lexicon (MIT; built from the NLM SPECIALIST Lexicon, which lists
  proper nouns capitalised and common words in lower case): every lower-case word form of it,
  and the capitalised adjectives (nationalities and languages: "German", "Danish");
* German: german-nouns (CC BY-SA 4.0, from the German Wiktionary): the nominative forms of the
  nouns that are not marked Vorname, Nachname, Toponym or Eigenname.

Kept: the words of Faker's name lists, and words with a Zipf frequency of 3 or more (wordfreq),
so the proxy needs neither package at run time and the lists stay small. The German list is derived from Wiktionary data and is therefore
CC BY-SA 4.0 as well (its header says so).

Neither package is a dependency of the project; install them in a scratch environment:

    python3 -m venv /tmp/names && /tmp/names/bin/pip install lemminflect==0.2.3 german-nouns==1.2.5
    .venv/bin/python scripts/build_name_words.py --site /tmp/names/lib/python3.11/site-packages
"""

from __future__ import annotations

import argparse
import csv
import gzip
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PROPER = {"Vorname", "Nachname", "Toponym", "Eigenname", "Straßenname"}


def english_words(site: Path) -> set[str]:
    words: set[str] = set()
    res = site / "lemminflect" / "resources"
    for name in ("lemma_lu.csv.gz", "infl_lu.csv.gz"):
        with gzip.open(res / name, "rt", encoding="utf-8") as f:
            for row in csv.reader(f):
                if not row:
                    continue
                forms = [row[0]] + [w for cell in row[2:] for w in cell.split("/")]
                words.update(w for w in forms if w and w.islower())
                if row[1] == "adj" and row[0][:1].isupper():
                    words.add(row[0].casefold())  # "German", "Danish": adjectives, not names
    return words


def german_nouns(site: Path) -> set[str]:
    words: set[str] = set()
    path = site / "german_nouns" / "nouns.csv"
    with path.open(encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        # Nominative forms only: an oblique form ("Karsten", dative plural of Karst) is rare
        # next to the name.
        nominative = [i for i, c in enumerate(header) if c.startswith("nominativ")]
        for row in rows:
            pos = set(row[1].split(","))
            if "Substantiv" not in pos or pos & _PROPER:
                continue
            for w in [row[0], *(row[i] for i in nominative)]:
                if w and w[:1].isupper() and " " not in w:
                    words.add(w)
    return words


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True, type=Path, help="site-packages with both packages")
    args = ap.parse_args()
    from guard.recognizers.words import given_names, surnames, zipf

    names = given_names() | surnames()
    # Every name word, and every word frequent enough to be met (one in a million words or
    # more; rarer words are left out to keep the lists small).
    en = sorted(w for w in english_words(args.site) if w.casefold() in names or zipf(w, "en") > 0)
    de = sorted({w for w in german_nouns(args.site) if w.casefold() in names or zipf(w, "de") > 0})
    data = ROOT / "guard" / "data"
    (data / "words_en.txt").write_text(
        "# Everyday English words (lower-case forms and capitalised adjectives in LemmInflect 0.2.3,\n"
        "# MIT, from the NLM SPECIALIST Lexicon), frequent ones and those that are also names. Built by\n"
        "# scripts/build_name_words.py; do not edit by hand.\n" + "\n".join(en) + "\n",
        encoding="utf-8",
    )
    (data / "words_de.txt").write_text(
        "# German common nouns, nominative (german-nouns 1.2.5, from the German Wiktionary; this list\n"
        "# is CC BY-SA 4.0 like its source), frequent ones and those that are also names. Built by\n"
        "# scripts/build_name_words.py; do not edit by hand.\n" + "\n".join(de) + "\n",
        encoding="utf-8",
    )
    print(f"{len(en)} English and {len(de)} German words")


if __name__ == "__main__":
    main()
