"""The floor that spaCy's NER sets, in one run:

* what one fresh chat message costs the detector, and how much more when the core was idle: the
  NER half and the recognizers' half (the two a pool runs side by side), back to back and after
  20 ms of sleep before each call. The NER half is the floor of the latency a fresh message adds:
  the proxy cannot forward it before this pass is done;
* how fast the NER half reads the corpus in batches, per core: the ceiling on throughput;
* how much of the corpus and of the 500 KB document the name gate lets NER skip.

    .venv/bin/python bench/ner_floor.py [--n 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._util import SPACY_MODEL, corpus_texts, long_document
from bench.latency import short_prompt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args(argv)
    from guard.detect import Detector

    detector = Detector(SPACY_MODEL)
    rng = random.Random(3)
    prompts = [short_prompt(rng) for _ in range(args.n)]
    for p in prompts[:30]:
        detector.analyze(p)
    print(f"a message of about {len(prompts[0])} characters, p50 ms over {args.n} messages")
    print()
    print("| part | back to back | after 20 ms idle |")
    print("|---|---|---|")
    for part in ("ner", "rules", "all"):
        row = []
        for pause in (0.0, 0.02):
            times = []
            for p in prompts:
                if pause:
                    time.sleep(pause)
                t = time.perf_counter()
                detector.analyze_batch([(p, "en")], part)  # type: ignore[arg-type]
                times.append((time.perf_counter() - t) * 1000)
            row.append(f"{statistics.median(times):.2f}")
        print(f"| {part} | {row[0]} | {row[1]} |")

    from guard.nlp import ner_runs, segments
    from guard.recognizers.text import normalise

    texts = corpus_texts()
    chars = sum(len(t) for t in texts)
    t = time.perf_counter()
    for i in range(0, len(texts), 64):
        detector.analyze_batch([(x, "en") for x in texts[i : i + 64]], "ner")
    rate = chars / (time.perf_counter() - t)
    print()
    print(f"NER half over the corpus in batches of 64 texts: {rate / 1000:,.1f}k chars/s on one core")
    print()
    print("| text | characters NER reads | skipped by the name gate |")
    print("|---|---|---|")
    for name, items in (("corpus", texts), ("500 KB document", [long_document(500_000)])):
        total = read = 0
        for text in items:
            norm = normalise(text).text
            for a, b in segments(norm):
                for x, y, needs in ner_runs(norm, a, b):
                    total += y - x
                    read += y - x if needs else 0
        print(f"| {name} | {read:,} of {total:,} | {1 - read / total:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
