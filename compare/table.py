"""The trade-off table as plain strings, shared by the Markdown and the HTML report.

One row per method with the measured columns; the lesson's ratings are a table of their own (one row per
method, fine-tuning + RAG included as "not rated by the lesson"), so both fit a page's width. A number that
was not measured shows as "n/m"; a failed row shows its reason in the status column and dashes elsewhere.
"""

from __future__ import annotations

from compare import lesson

MEASURED_HEADERS = ["method", "status", "quality (vs baseline)", "code lines", "data needed", "set-up s",
                    "latency p50 / p95 s", "tokens / answer", "s per 1k requests", "USD per 1k (projected)",
                    "items"]
LESSON_HEADERS = [label for _, label in lesson.COLUMNS]
NOT_MEASURED = "n/m"


def headers(price_model: str) -> list[str]:
    names = list(MEASURED_HEADERS)
    names[names.index("USD per 1k (projected)")] = f"USD per 1k ({price_model})"
    return names


def lesson_headers() -> list[str]:
    return ["method", *LESSON_HEADERS]


def lesson_cells(row: dict) -> list[str]:
    if not lesson.rated(row["demo"]):
        return [row["title"], lesson.NOT_RATED] + [""] * (len(LESSON_HEADERS) - 1)
    return [row["title"], *(lesson.stars(row["demo"], key) for key, _ in lesson.COLUMNS)]


def cells(row: dict) -> list[str]:
    ok = row["status"] in ("measured", "reused")
    status = row["status"] + (f": {row['reason']}" if row["reason"] and not ok else "")
    if not ok:  # the code and data columns do not depend on the evaluation, so they stay
        return [row["title"], status, "-", _n(row["loc"], "{:,.0f}"), _data(row)] + ["-"] * 6
    return [row["title"], status, _quality(row), _n(row["loc"], "{:,.0f}"), _data(row), _setup(row),
            _latency(row), _n(row["tokens"], "{:,.0f}"), _n(row["seconds_per_1000"], "{:,.0f}"),
            _n(row["usd_per_1000"], "${:,.3f}"), _n(row["items"], "{:d}")]


def _quality(row: dict) -> str:
    if row["value"] is None:
        return f"{row['metric'] or 'quality'}: {NOT_MEASURED}"
    base = NOT_MEASURED if row["baseline"] is None else f"{row['baseline']:.2f}"
    return f"{row['metric']}: {row['value']:.2f} vs {base} ({row['baseline_name']})"


def _data(row: dict) -> str:
    return NOT_MEASURED if row["data_count"] is None else f"{row['data_count']:,} {row['data_unit']}"


def _setup(row: dict) -> str:
    if row["setup_s"] is None:
        return f"{NOT_MEASURED} ({row['setup_what']})" if row["setup_what"] else NOT_MEASURED
    return f"{row['setup_s']:,.1f} ({row['setup_what']})" if row["setup_what"] else f"{row['setup_s']:,.1f}"


def _latency(row: dict) -> str:
    if row["latency_p50_s"] is None and row["latency_mean_s"] is not None:
        return f"mean {row['latency_mean_s']:.3g}"
    return f"{_n(row['latency_p50_s'], '{:.3g}')} / {_n(row['latency_p95_s'], '{:.3g}')}"


def _n(value, form: str) -> str:
    if value is None:
        return NOT_MEASURED
    return form.format(int(value) if form == "{:d}" else value)
