"""Build guard/data/words_en.txt.gz and words_de.txt.gz: everyday English words and German common nouns,
without proper nouns, so that a name detector can tell "will", "rose", "mark", "Koch", "Muster"
(words that are also names: names only with context) from "Steve", "Bieber", "Merkel" (names).

Frequency alone cannot tell them apart (names are frequent words too: "john" is as frequent as
"rose", "Merkel" as "Muster"). Dictionaries that keep proper nouns apart can:

* English: LemmInflect's lexicon (MIT; built from the NLM SPECIALIST Lexicon, which lists
  proper nouns capitalised and common words in lower case): every lower-case word form of it,
  and the capitalised adjectives (nationalities and languages: "German", "Danish");
* German: german-nouns (CC BY-SA 4.0, from the German Wiktionary): the forms of the nouns that
  are not marked Vorname, Nachname, Toponym or Eigenname (oblique forms that are also names,
  such as "Karsten" of Karst, left out).

The lists are written gzip-compressed (about 750 KB together), so the proxy needs neither package
at run time. The German list is derived from Wiktionary data and is therefore
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

from guard.recognizers.words import given_names, surnames

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
        # Every form, but an oblique form that is also a name ("Karsten", dative plural of
        # Karst) only in the nominative: the name is far more common than the oblique form.
        nominative = [i for i, c in enumerate(header) if c.startswith("nominativ")]
        names = given_names() | surnames()
        for row in rows:
            pos = set(row[1].split(","))
            if "Substantiv" not in pos or pos & _PROPER:
                continue
            nom = {row[0], *(row[i] for i in nominative)}
            for i, w in enumerate(row):
                if i < 7 or not w or not w[:1].isupper() or " " in w:
                    continue
                if w in nom or w.casefold() not in names:
                    words.add(w)
            words.update(w for w in nom if w and w[:1].isupper() and " " not in w)
    return words


def _write(path: Path, header: str, words: list[str]) -> None:
    # mtime 0: the same input gives the same bytes
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write((header + "\n".join(words) + "\n").encode("utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True, type=Path, help="site-packages with both packages")
    args = ap.parse_args()

    en = sorted(english_words(args.site))
    de = sorted(german_nouns(args.site))
    data = ROOT / "guard" / "data"
    _write(
        data / "words_en.txt.gz",
        "# Everyday English words (lower-case forms and capitalised adjectives in LemmInflect 0.2.3,\n"
        "# MIT, from the NLM SPECIALIST Lexicon). Built by scripts/build_name_words.py.\n",
        en,
    )
    _write(
        data / "words_de.txt.gz",
        "# German common nouns, nominative (german-nouns 1.2.5, from the German Wiktionary; this list\n"
        "# is CC BY-SA 4.0 like its source). Built by scripts/build_name_words.py.\n",
        de,
    )
    print(f"{len(en)} English and {len(de)} German words")


if __name__ == "__main__":
    main()
