"""Writes churn.csv and churn_new.csv: a small synthetic customer table for trying `tailor classify train`.

    python data/custom_ml/make_churn.py

Seeded, so the files are the same on every run. The rule that makes a customer leave is written out below;
a classifier that learns it well has something real to find, and the columns exercise every path of the
CSV reader (numbers, categories, gaps, an identifier that must be left out).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
HEADER = ["customer_id", "tenure_months", "monthly_fee", "support_calls", "plan", "payment"]


def customer(rng, i: int) -> tuple[list, str]:
    tenure = int(rng.integers(1, 72))
    plan = str(rng.choice(["basic", "standard", "premium"], p=[0.4, 0.4, 0.2]))
    fee = round({"basic": 15, "standard": 30, "premium": 55}[plan] + rng.normal(0, 4), 2)
    calls = int(rng.poisson(2))
    payment = str(rng.choice(["card", "invoice", "direct debit"]))
    # the hidden rule: new customers, many support calls and invoices raise the odds of leaving
    score = 0.2 - 0.06 * tenure + 0.45 * calls + (0.8 if payment == "invoice" else 0) + rng.normal(0, 0.9)
    row = [f"C{i:05d}", tenure, fee, calls, plan, payment]
    for j in (2, 3, 5):  # about 5% of these cells left blank, as in real exports
        if rng.random() < 0.05:
            row[j] = ""
    return row, "yes" if score > 0 else "no"


def main() -> None:
    rng = np.random.default_rng(7)
    rows = [customer(rng, i) for i in range(300)]
    with open(HERE / "churn.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "churned"])
        writer.writerows([*row, label] for row, label in rows[:280])
    with open(HERE / "churn_new.csv", "w", newline="") as handle:  # 20 customers without the answer
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row for row, _ in rows[280:])


if __name__ == "__main__":
    main()
