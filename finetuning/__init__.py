"""finetuning: the Brightpath brand-voice tutor, a LoRA adapter trained on the CPU (see README.md).

The public pieces: finetuning.train (TrainConfig, train), finetuning.data (load_records),
finetuning.runs (latest_run), finetuning.voice (check_voice, complies). Import them from their
modules; this file stays light so `tailor --help` never loads torch.
"""
