"""Split BANKING77's train.jsonl into a training part and a held-out part, by a fixed rule.

Every fifth query of each intent (in file order) is held out, so the split is stratified and the same on
every machine. The dataset is read from ``../shared/datasets`` at run time and written to ``--out``; none of
its text is kept in this repository.

    python benchmarks/banking77_split.py --out /tmp/b77
    copilot triage eval --train /tmp/b77/train.jsonl --cases /tmp/b77/test.jsonl --json
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "banking77" / "train.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    seen: dict[str, int] = defaultdict(int)
    args.out.mkdir(parents=True, exist_ok=True)
    counts = {"train": 0, "test": 0}
    with args.source.open(encoding="utf-8") as src, (args.out / "train.jsonl").open("w", encoding="utf-8") as train, \
            (args.out / "test.jsonl").open("w", encoding="utf-8") as test:
        for line in src:
            row = json.loads(line)
            seen[row["intent"]] += 1
            part = "test" if seen[row["intent"]] % 5 == 0 else "train"
            (test if part == "test" else train).write(json.dumps(row) + "\n")
            counts[part] += 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
