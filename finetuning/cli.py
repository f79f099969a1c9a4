"""`tailor tutor train | chat | eval | export-openai`: the brand-voice tutor's commands.

Light on purpose: torch, transformers and peft are imported inside the command functions.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tailor.cliutil import positive_float, positive_int

DEFAULT_TRAIN = "finetuning/tutor_train.jsonl"  # under data_dir()


def add_commands(subparsers, common) -> None:
    from finetuning import train as defaults

    tutor = subparsers.add_parser("tutor", help="brand-voice tutor: LoRA fine-tuning on the CPU")
    commands = tutor.add_subparsers(dest="tutor_command", metavar="ACTION", required=True)

    train = commands.add_parser("train", parents=[common], help="train a LoRA adapter")
    train.add_argument("--data", type=Path, default=None,
                       help="chat records with a \"messages\" column: .jsonl, .json, .csv, .parquet, or a "
                       "Dataset.save_to_disk folder (default: the tutor set)")
    train.add_argument("--base", default=None, help="base model folder or .gguf (default: bundled SmolLM2)")
    train.add_argument("--epochs", type=positive_float, default=defaults.EPOCHS)
    train.add_argument("--rank", type=positive_int, default=defaults.RANK, help="LoRA rank r")
    train.add_argument("--alpha", type=positive_int, default=defaults.ALPHA, help="LoRA alpha")
    train.add_argument("--lr", type=positive_float, default=defaults.LR, help="learning rate")
    train.add_argument("--max-steps", type=positive_int, default=None, help="stop after this many steps")
    train.add_argument("--batch-size", type=positive_int, default=defaults.BATCH_SIZE)
    train.add_argument("--precision", choices=defaults.PRECISIONS, default="auto",
                       help="auto: bfloat16 where the CPU has it natively (1.5x faster), else fp32")
    train.add_argument("--out", type=Path, default=None, help="run folder (default runs/tutor/<timestamp>)")
    train.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    train.add_argument("--merge", action="store_true", help="also write <run>/merged, a full model folder")
    train.set_defaults(func=cmd_train)

    chat = commands.add_parser("chat", parents=[common], help="ask the tutor (adapter: runs/tutor/latest)")
    chat.add_argument("question", help="the question ('-' reads standard input)")
    which = chat.add_mutually_exclusive_group()
    which.add_argument("--adapter", default=None, help="a run folder made by `tailor tutor train`")
    which.add_argument("--base-only", action="store_true", help="the base model without the adapter")
    chat.add_argument("--max-tokens", type=positive_int, default=120)
    chat.set_defaults(func=cmd_chat)

    evaluate = commands.add_parser("eval", parents=[common], help="base vs adapter on the held-out set")
    from finetuning.evaluate import add_arguments

    add_arguments(evaluate)
    evaluate.set_defaults(func=cmd_eval)

    export = commands.add_parser("export-openai", help="write the data in OpenAI's fine-tuning format")
    export.add_argument("--data", type=Path, default=None, help="JSONL to convert (default: the tutor set)")
    export.add_argument("--out", type=Path, default=None, help="default runs/tutor/openai_train.jsonl")
    export.set_defaults(func=cmd_export)


def default_data() -> Path:
    from tailor.config import data_dir

    return data_dir() / DEFAULT_TRAIN


def cmd_train(args) -> int:
    from finetuning.train import TrainConfig, merge, train

    config = TrainConfig(data=args.data or default_data(), base=args.base or args.model, epochs=args.epochs,
                         rank=args.rank, alpha=args.alpha, lr=args.lr, max_steps=args.max_steps,
                         batch_size=args.batch_size, out=args.out, resume=args.resume,
                         precision=args.precision)
    run = train(config)
    from tailor.runfiles import read_card

    card = read_card(run)
    metrics = card["metrics"]
    print(f"trained {metrics['steps']} steps in {card['seconds']:.0f} s: loss {metrics['first_loss']:.3f} -> "
          f"{metrics['final_loss']:.3f}; {metrics['trainable_params']:,} trainable parameters "
          f"({metrics['trainable_share']:.2%})")
    print(f"adapter: {run}")
    if args.merge:
        print(f"merged model: {merge(run, config.base)}")
    return 0


def cmd_chat(args) -> int:
    from finetuning.tutor import ask, tutor_backend
    from tailor.cliutil import print_footer, read_prompt

    question = read_prompt(args.question, "question")
    backend = tutor_backend(args.adapter, args.base_only, args.model, args.backend)
    result = ask(backend, question, args.max_tokens)
    print(result.text)
    print_footer(result)
    return 0


def cmd_eval(args) -> int:
    from finetuning.evaluate import run

    return run(args)


def cmd_export(args) -> int:
    from finetuning.export import export_openai
    from tailor.config import runs_dir

    out = args.out or runs_dir() / "tutor" / "openai_train.jsonl"
    count = export_openai(args.data or default_data(), out)
    print(f"wrote {count} examples in OpenAI's chat fine-tuning format to {out} (validated)", file=sys.stdout)
    return 0
