"""How much of an index's text prompt-injection masking would hide: the false-positive
figure of `assistant.injection.mask_instructions` on real documents.

    python -m evals.injection_scan [--index DIR] [--show N]

Every passage of the index (the bundled corpus by default, as `chanjiao` opens it) is split
into sentences as masking splits them; prints passages, sentences, and how many of each
would be masked before a model sees them, with the first N masked sentences to read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def scan(texts) -> tuple[int, int, int, list[str]]:
    """(passages, sentences, passages with a masked sentence, the masked sentences)."""
    from assistant.injection import _SENTENCE, is_instruction

    passages = sentences = hit = 0
    masked: list[str] = []
    for text in texts:
        passages += 1
        found = False
        for m in _SENTENCE.finditer(text):
            s = m.group(0).strip()
            if not s:
                continue
            sentences += 1
            if is_instruction(s):
                masked.append(s)
                found = True
        hit += found
    return passages, sentences, hit, masked


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.injection_scan", description=__doc__)
    ap.add_argument("--index", help="index folder (default: CHANJIAO_INDEX or the default)")
    ap.add_argument("--show", type=int, default=10)
    args = ap.parse_args(argv)
    from assistant.context import open_index
    from assistant.settings import Settings

    overrides = {"index_dir": Path(args.index)} if args.index else {}
    index = open_index(Settings.from_env(**overrides), show_progress=False)
    chunks = index.retriever.view().chunks
    passages, sentences, hit, masked = scan(c.text for c in chunks)
    print(
        f"injection masking: {hit} of {passages} passages ({sentences} sentences) would have "
        f"a sentence masked; {len(masked)} sentences masked"
    )
    for s in masked[: args.show]:
        print("  ", s[:120])
    return 0


if __name__ == "__main__":
    sys.exit(main())
