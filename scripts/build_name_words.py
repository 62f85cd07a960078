"""Build guard/data/name_words_en.txt and name_words_de.txt: the words of Faker's name lists that
are also everyday words of English or German ("will", "rose", "mark"; "Koch", "Muster", "Wolf").

A name detector must not take these for names without context, and frequency alone cannot tell
them apart (names are frequent words too: "john" is as frequent as "rose"). Dictionaries that
separate common words from proper nouns can:

* English: LemmInflect's lexicon (MIT; built from the NLM SPECIALIST Lexicon, which lists
  proper nouns capitalised and common words in lower case): every lower-case word form of it,
  and the capitalised adjectives (nationalities and languages: "German", "Danish");
* German: german-nouns (CC BY-SA 4.0, from the German Wiktionary): the nominative forms of the
  nouns that are not marked Vorname, Nachname, Toponym or Eigenname.

Only the intersection with Faker's names is kept (a few thousand words), so the proxy needs
neither package at run time. The German list is derived from Wiktionary data and is therefore
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
    from guard.recognizers.words import given_names, surnames

    names = given_names() | surnames()
    en = sorted(w for w in english_words(args.site) if w.casefold() in names)
    de = sorted({w for w in german_nouns(args.site) if w.casefold() in names})
    data = ROOT / "guard" / "data"
    (data / "name_words_en.txt").write_text(
        "# Words of Faker's name lists that are everyday English words (lower-case forms in\n"
        "# LemmInflect 0.2.3, MIT, from the NLM SPECIALIST Lexicon). Built by\n"
        "# scripts/build_name_words.py; do not edit by hand.\n" + "\n".join(en) + "\n",
        encoding="utf-8",
    )
    (data / "name_words_de.txt").write_text(
        "# Words of Faker's name lists that are German common nouns (german-nouns 1.2.5, from the\n"
        "# German Wiktionary; this list is CC BY-SA 4.0 like its source). Built by\n"
        "# scripts/build_name_words.py; do not edit by hand.\n" + "\n".join(de) + "\n",
        encoding="utf-8",
    )
    print(f"{len(en)} English and {len(de)} German words")


if __name__ == "__main__":
    main()
