"""finetuning: the Brightpath brand-voice tutor, a LoRA adapter trained on the CPU (see README.md).

The public pieces: finetuning.train (TrainConfig, train), finetuning.data (load_records),
finetuning.voice (check_voice, complies); run folders and `latest_run` are tailor.runfiles. Import them
from their modules; this file stays light so `tailor --help` never loads torch.
"""
