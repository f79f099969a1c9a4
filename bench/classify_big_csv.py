"""Write a large synthetic CSV for `tailor classify train`: does a 1-million-row table train within memory?

    python bench/classify_big_csv.py --rows 1000000 --out /tmp/big.csv
    /usr/bin/time -v tailor classify train --csv /tmp/big.csv --target churned --out /tmp/big-run

Ten columns as a real export has them: an identifier, four numbers (one with 10% gaps), two categories
(one with gaps), a signup date, a constant column, and a yes/no target that depends on the numbers, the
plan and the signup month, with noise. Rows are written as they are made, so the generator itself needs
almost no memory. `random_state`-style fixed seed: the same file every time.
"""

from __future__ import annotations

import argparse
import csv
import sys

import numpy as np

HEADER = ["customer_id", "months", "monthly_fee", "support_calls", "logins", "plan", "region", "signup",
          "country", "churned"]
BLOCK = 50_000  # rows drawn at once with numpy, then written


def block(rng: np.random.Generator, start: int, n: int) -> list[list]:
    months = rng.integers(1, 72, n)
    fee = rng.normal(40, 12, n).round(2)
    calls = rng.poisson(2.5, n)
    logins = rng.poisson(20, n)
    plan = rng.choice(["basic", "plus", "pro", "family"], n, p=[0.4, 0.3, 0.2, 0.1])
    region = rng.choice(["north", "south", "east", "west", ""], n)
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    risk = (-0.05 * months + 0.03 * fee + 0.4 * calls - 0.05 * logins + (plan == "basic") * 0.8
            + (month == 12) * 0.5 + rng.normal(0, 1, n))
    churned = np.where(risk > 0.2, "yes", "no")
    calls_text = np.where(rng.random(n) < 0.1, "", calls.astype(str))
    return [[start + i, months[i], fee[i], calls_text[i], logins[i], plan[i], region[i],
             f"20{rng.integers(15, 26):02d}-{month[i]:02d}-{day[i]:02d}", "NL", churned[i]] for i in range(n)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    with open(args.out, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for start in range(0, args.rows, BLOCK):
            writer.writerows(block(rng, start + 1, min(BLOCK, args.rows - start)))
    print(f"wrote {args.rows:,} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
