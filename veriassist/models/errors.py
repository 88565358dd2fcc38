"""Errors a model raises. Each message says what happened and what to do about it."""

from __future__ import annotations


class ModelError(Exception):
    """Base class for every model failure."""


class ModelNotConfigured(ModelError):
    """No model was chosen on the command line, in the environment or in a config file."""


class ModelConfigError(ModelError):
    """A setting is wrong: an unknown provider, a misspelt key, a bad value."""


class MissingExtra(ModelConfigError):
    """A provider's optional integration package is not installed."""


class ModelAuthError(ModelError):
    """The server rejected the credentials (401/403). Not retried."""


class ModelNotFound(ModelError):
    """The server does not know the model, or the base URL is wrong (404). Not retried."""


class ModelUnreachable(ModelError):
    """Nothing answered at the URL (connection refused, unknown host). Not retried."""


class ModelRequestError(ModelError):
    """The server refused the request for another reason (400, 422, ...). Not retried."""


class ModelProtocolError(ModelError):
    """The server answered with something that is not a chat completion. Not retried."""


class ModelRetriesExhausted(ModelError):
    """Rate limits, server errors or timeouts persisted through every retry."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class ReplayMiss(ModelError):
    """A replayed run sent a request that is not in the recording."""


class ScriptExhausted(ModelError):
    """A scripted model was asked for more replies than it was given."""


class ManualTimeout(ModelError):
    """No reply arrived for a manual prompt in the allowed time."""
