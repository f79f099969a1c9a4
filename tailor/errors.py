"""tailor's own small error hierarchy.

Every error a user can cause or fix is a `TailorError`: the CLI prints its message on one line and exits
with code 2. The original exception stays attached as `__cause__` for debugging.
"""


class TailorError(Exception):
    """Base class: a clear, one-line message that says how to fix the problem."""

    exit_code = 2


class UsageError(TailorError):
    """Bad input from the user: an empty prompt, a missing file, an out-of-range option."""


class ModelNotFoundError(TailorError):
    """The model path or bundled weights cannot be found or loaded."""


class BackendError(TailorError):
    """A model backend failed to produce an answer."""


class UnreachableError(BackendError):
    """The server did not answer (connection refused, DNS, timeout)."""


class AuthenticationError(BackendError):
    """The server refused the API key (or none was given)."""


class RateLimitedError(BackendError):
    """The server said to slow down (HTTP 429), after the SDK's own retries."""


class BadResponseError(BackendError):
    """The server answered with an error status or something that is not a valid reply."""


class SchemaError(BackendError):
    """The model's reply does not validate against the requested schema."""
