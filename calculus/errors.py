"""The one exception the engine raises for input it refuses."""

from __future__ import annotations


class ExpressionError(ValueError):
    """Input the engine refuses, with a message a learner can act on.

    ``column`` is the 1-based column of the problem in the text (``None`` when the problem is not
    at one place, e.g. "too long"); the message already mentions it.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        if column is not None and "column" not in message:
            message = f"{message} at column {column}"
        super().__init__(message)
        self.message = message
        self.column = column

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[str, int | None]]:
        # Errors travel back from the symbolic worker process by pickling.
        return (type(self), (self.message, self.column))


class Superseded(BaseException):
    """A symbolic job given up because the same session asked for a newer one.

    A ``BaseException``, like ``asyncio.CancelledError``: the work was not refused, it is no longer
    wanted, so no ``except ExpressionError`` or ``except Exception`` may turn it into a message
    for text the learner has already replaced.
    """


class ServerBusy(ExpressionError):
    """Symbolic work refused for now: every slot stayed taken (``calculus/worker.py``).

    Unlike other refusals it says nothing about the input, so no cache may keep it.
    """
