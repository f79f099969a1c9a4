"""`tailor classify demo|train|predict`: a classifier trained for one task, on the bundled data or any CSV.

Light at import time (no scikit-learn here), so `tailor --help` stays instant.
"""

from __future__ import annotations

import argparse
import sys


def sensitivity(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must lie between 0 and 1 (0.95 = catch 95%), got {value}")
    return value


def add_commands(subparsers, common=None) -> None:
    """Register `classify`; the backend options are not needed, no command here calls a language model."""
    classify = subparsers.add_parser("classify", help="custom ML: a scikit-learn classifier on tabular data",
                                     description="A model trained for one task (binary, multi-class or "
                                                 "regression): on bundled data (demo) or your own CSV.")
    commands = classify.add_subparsers(dest="classify_command", metavar="ACTION", required=True)
    target_help = "sensitivity target for the decision threshold (default 0.95)"

    demo = commands.add_parser("demo", help="train and evaluate on a bundled data set (scikit-learn's own)")
    demo.add_argument("--data", choices=("breast_cancer", "wine", "diabetes"), default="breast_cancer",
                      help="breast_cancer (binary, default), wine (3 classes) or diabetes (regression)")
    demo.add_argument("--sensitivity", type=sensitivity, default=None, help=target_help)
    demo.add_argument("--out", default=None, help="run folder (default runs/classify/<timestamp>)")
    demo.set_defaults(func=run_demo)

    train = commands.add_parser("train", help="train on your own CSV file")
    train.add_argument("--csv", required=True, help="a CSV file with a header row")
    train.add_argument("--target", required=True, help="the column to predict (classes or a number)")
    train.add_argument("--task", choices=("binary", "multiclass", "regression"), default=None,
                       help="override the task detected from the target (a number with more than 10 "
                            "distinct values is regression; otherwise classes)")
    train.add_argument("--model", choices=("linear", "trees", "auto"), default="auto",
                       help="linear, trees, or auto (picked by cross-validated ROC-AUC, RMSE for regression; default)")
    train.add_argument("--positive", default=None, help="binary: the class to catch (default: the rarer one)")
    train.add_argument("--sensitivity", type=sensitivity, default=None, help=target_help)
    train.add_argument("--out", default=None, help="run folder (default runs/classify/<timestamp>)")
    train.set_defaults(func=run_train)

    predict = commands.add_parser("predict", help="label the rows of a CSV with a trained model")
    predict.add_argument("--model", required=True, metavar="DIR", help="a run folder from demo or train")
    predict.add_argument("--csv", required=True, help="a CSV with the columns the model was trained on")
    predict.add_argument("--out", default=None, help="write the predictions here (default: print them)")
    predict.set_defaults(func=run_predict)


def _train_and_save(table, args) -> int:
    from custom_ml.metrics import SENSITIVITY_TARGET
    from custom_ml.run import new_run_folder, save_run
    from custom_ml.train import summary_table, train

    new_run_folder(args.out)  # a bad --out fails before any training
    result = train(table, getattr(args, "model", "auto"), getattr(args, "positive", None),
                   args.sensitivity or SENSITIVITY_TARGET)
    folder = save_run(result, args.out)
    print(f"{len(table.y)} rows, task {result.task}{_target_words(result)}; {result.folds}-fold CV on "
          f"{result.rows_train} rows, then {len(result.y_test)} held-out rows (* = chosen by CV)")
    print(summary_table(result))
    for name, why in result.table.dropped.items():
        print(f"left out column {name!r}: {why}")
    best = result.best
    if result.task == "binary":
        print(f"\nthreshold {best.threshold:.3f} meets sensitivity {best.cv['sensitivity']:.3f} >= "
              f"{result.sensitivity_target} on the training folds; on the test rows: {best.test['sensitivity']:.3f}")
    print(f"trained in {result.seconds:.1f} s; run folder: {folder}")
    return 0


def _target_words(result) -> str:
    if result.task == "binary":
        return f", positive class {result.positive!r}"
    if result.task == "multiclass":
        return f", {len(result.classes)} classes"
    return f", predicting {result.table.target!r}"


def run_demo(args) -> int:
    from custom_ml.bundled import load

    return _train_and_save(load(args.data), args)


def run_train(args) -> int:
    from custom_ml.data import read_table

    return _train_and_save(read_table(args.csv, args.target, args.task), args)


def refuse_overwriting_input(out: str, csv_path: str) -> None:
    """--out naming the input CSV (by any spelling or link) would replace the user's data with predictions."""
    import os

    from tailor.errors import UsageError

    same = os.path.exists(out) and os.path.exists(csv_path) and os.path.samefile(out, csv_path)
    if same or os.path.realpath(out) == os.path.realpath(csv_path):
        raise UsageError(f"--out {out} is the input file --csv {csv_path}; writing there would destroy "
                         "the input: give another file name such as predictions.csv")


def run_predict(args) -> int:
    from custom_ml.predict import predict_rows, to_csv_text, write_atomic

    if args.out:
        refuse_overwriting_input(args.out, args.csv)
    rows, meta, warning = predict_rows(args.model, args.csv)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    text = to_csv_text(rows)
    if args.out:
        write_atomic(args.out, text)
        print(f"{len(rows)} rows, {_prediction_words(rows, meta)}; written: {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _prediction_words(rows: list[dict], meta: dict) -> str:
    if meta["task"] == "regression":
        values = [row["prediction"] for row in rows]
        return f"predicted {meta['target']} from {min(values):.4g} to {max(values):.4g}" if values else "none"
    from collections import Counter

    counts = Counter(row["prediction"] for row in rows)
    return ", ".join(f"{n} predicted {label!r}" for label, n in counts.most_common())
