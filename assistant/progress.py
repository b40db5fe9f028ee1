"""Progress bars for the shells (CLI, batch logs) — the only module that imports tqdm.

The ingest pipeline reports progress through a plain callback (`stage, done, total`);
drawing it is the shell's business, so library code never writes to the terminal.
"""

from __future__ import annotations

import sys

from ingest.pipeline import Progress, no_progress


def tqdm_progress(enabled: bool = True, always: bool = False) -> Progress:
    """A progress callback drawing bars on stderr (one per stage), silent when disabled.

    Bars are drawn only on a terminal, unless `always` (logs of long batch runs want them).
    """
    if not enabled:
        return no_progress
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}
    labels = {"index": "索引文件 indexing", "embed": "计算向量 embedding", "ocr": "OCR识别 ocr"}

    def show(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None or done < bar.n:  # a new round of the stage (the next scan's pages)
            bar = bars[stage] = tqdm(
                total=total,
                desc=labels.get(stage, stage),
                file=sys.stderr,
                unit="",
                disable=not (always or sys.stderr.isatty()),
            )
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return show
