"""Write the worked example of `aliquant estimate`: examples/annotations.csv and examples/gold.csv.

Labels drawn from the model's own labelling process (aliquant_core.simulate_annotations) with known
quality: error rate ε = 0.15, blind spot σ = 0.05; 600 items, 3 of 12 labelers on each, the first
150 items checked by an expert. Run from the repository root:

    .venv/bin/python scripts/make_example_annotations.py

The output is the same on every run (seed 2026).
"""

from __future__ import annotations

import csv
from pathlib import Path

from aliquant_core import simulate_annotations

ERROR_RATE, BLIND_SPOT = 0.15, 0.05
ITEMS, LABELERS_PER_ITEM, LABELERS, GOLD_ITEMS, SEED = 600, 3, 12, 150, 2026


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main(folder: Path = EXAMPLES) -> None:
    labels = simulate_annotations(
        items=ITEMS, labelers_per_item=LABELERS_PER_ITEM, annotators=LABELERS,
        error_rate=ERROR_RATE, blind_spot=BLIND_SPOT, gold_items=GOLD_ITEMS, seed=SEED,
    )  # fmt: skip
    folder.mkdir(exist_ok=True)
    with open(folder / "annotations.csv", "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["item", "annotator", "choice"])
        for item, who, choice in zip(labels.item, labels.annotator, labels.choice, strict=True):
            out.writerow([f"q{item + 1:04d}", f"labeler{who + 1:02d}", "AB"[choice]])
    with open(folder / "gold.csv", "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["item", "gold"])
        for item, gold in enumerate(labels.gold):
            if gold >= 0:
                out.writerow([f"q{item + 1:04d}", "AB"[gold]])


if __name__ == "__main__":
    main()
