"""`tailor course ...`: the tutor grounded in its course notes (fine-tuning + RAG).

    tailor course ingest                         # the notes into their own Chroma collection (rag/)
    tailor course train                          # the grounded adapter on the RAFT-style set (finetuning/)
    tailor course ask "What is the Rule of 40?"  # --variant base|ft|rag|ft+rag (default ft+rag)

Nothing heavy is imported here (torch, transformers, chromadb load inside the commands).
"""

from __future__ import annotations

import sys

from tailor.cliutil import positive_int

VARIANT_NAMES = ["base", "ft", "rag", "ft+rag", "ft+rag/tutor"]  # same order as variants.VARIANTS


def add_commands(subparsers, common) -> None:
    course = subparsers.add_parser("course", help="the tutor grounded in its course notes (fine-tuning + RAG)")
    commands = course.add_subparsers(dest="course_command", metavar="STEP", required=True)

    ingest = commands.add_parser("ingest", help="ingest the course notes into the 'course' collection")
    ingest.add_argument("paths", nargs="*", help="files or folders (default data/finetune_rag/course/)")
    ingest.set_defaults(func=run_ingest)

    train = commands.add_parser("train", help="train the grounded (RAFT-style) adapter")
    add_train_options(train)
    train.set_defaults(func=run_train)

    ask = commands.add_parser("ask", parents=[common], help="ask the tutor a question about the course")
    ask.add_argument("question", help="the question ('-' reads standard input)")
    ask.add_argument("--variant", choices=VARIANT_NAMES, default="ft+rag",
                     help="base, ft (tutor adapter), rag (retrieval), ft+rag (grounded adapter + retrieval, "
                          "the default) or ft+rag/tutor (plain tutor adapter + retrieval)")
    ask.add_argument("--k", type=positive_int, default=3, help="passages to retrieve (default 3)")
    ask.add_argument("--max-tokens", type=positive_int, default=128, help="upper bound on the answer (default 128)")
    ask.set_defaults(func=run_ask)


def add_train_options(parser) -> None:
    """The tutor's training options (finetuning/'s TrainConfig fields); unset ones keep its defaults."""
    from tailor.cliutil import positive_float

    parser.add_argument("--epochs", type=positive_float, default=None, help="passes over the data (default 1)")
    parser.add_argument("--rank", type=positive_int, default=None, help="LoRA rank r")
    parser.add_argument("--alpha", type=positive_int, default=None, help="LoRA alpha (scale = alpha / r)")
    parser.add_argument("--lr", type=positive_float, default=None, help="learning rate")
    parser.add_argument("--max-steps", type=positive_int, default=None, help="stop after N optimizer steps")
    parser.add_argument("--batch-size", type=positive_int, default=None, help="examples per step (default 4)")
    parser.add_argument("--data", default=None, help="chat records to train on, in any format `tailor tutor "
                        "train --data` takes (default: the RAFT-style set, built fresh from the notes)")
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default=None,
                        help="auto (default): bfloat16 where the CPU has it natively, else fp32")
    parser.add_argument("--out", default=None, help="run folder (default runs/course/<timestamp>)")
    parser.add_argument("--resume", action="store_true", help="continue the last unfinished run")
    parser.add_argument("--base", default=None, help="base model folder (default: the bundled model)")


def run_ingest(args) -> int:
    from finetune_rag.pipeline import ingest_course

    stats = ingest_course(args.paths or None)
    print(stats.summary())
    return 0


def run_train(args) -> int:
    from finetune_rag.pipeline import train_course

    options = {k: getattr(args, k) for k in ("epochs", "rank", "alpha", "lr", "max_steps", "batch_size",
                                             "out", "resume", "base", "precision")}
    run = train_course(args.data, **options)
    print(f"grounded adapter saved in {run}; ask with: tailor course ask \"QUESTION\"")
    return 0


def run_ask(args) -> int:
    from finetune_rag import variants
    from tailor.cliutil import print_footer, read_prompt

    question = read_prompt(args.question, "question", limit=1000)
    chosen = variants.variant(args.variant)
    store = variants.open_course_store() if chosen.retrieval else None
    backend = variants.backend_for(chosen, args)
    result, ready = variants.answer(question, chosen, backend, store, k=args.k, max_tokens=args.max_tokens)
    reply = variants.final_reply(result, ready.hits)
    print(reply.text)
    if ready.hits:
        for citation in reply.citations:  # exactly the numbers in the text
            print(f"[{citation.number}] {citation.hit.label()}" + ("" if citation.written else " (attributed)"))
    else:
        print(f"(variant {chosen.name}: no retrieval, so no sources)")
    print_footer(result)
    sys.stdout.flush()
    return 0
