"""Registry of outbox handlers, one per topic. Apps register theirs in their `ready()` imports."""

from collections.abc import Callable

from .models import OutboxMessage

Handler = Callable[[OutboxMessage], None]
_HANDLERS: dict[str, Handler] = {}


def handles(topic: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        if topic in _HANDLERS and _HANDLERS[topic] is not function:
            raise ValueError(f"Two outbox handlers for topic {topic!r}.")
        _HANDLERS[topic] = function
        return function

    return register


def handler_for(topic: str) -> Handler:
    try:
        return _HANDLERS[topic]
    except KeyError as error:
        raise LookupError(f"No outbox handler for topic {topic!r}.") from error
