"""What every tab runs with: the backend the command was given (--backend, --model, as every command takes
them) and what the server keeps between requests (trained models, the agents waiting for an approval)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Context:
    backend: str | None = None  # --backend; None: TAILOR_BACKEND, else local (tailor.backends.get_backend)
    model: str | None = None  # --model
    build: object = None  # (name, **options) -> backend; None: get_backend (tests pass a scripted one)
    kept: dict = field(default_factory=dict)  # per tab: caches and sessions

    def make_backend(self, **options):
        """The configured backend, with a demo's options (an adapter, its repetition guard)."""
        from tailor.backends import get_backend

        return (self.build or get_backend)(self.backend, model=self.model, **options)

    def honours(self, option: str) -> bool:
        """Whether the configured backend applies an option (a LoRA adapter needs the local one)."""
        from tailor.backends import chosen_backend

        return option in chosen_backend(self.backend).honours

    def cache(self, tab: str) -> dict:
        return self.kept.setdefault(tab, {})
