"""The one exception hierarchy of the roundhouse package.

Every failure the engine reports carries a stable error code (the same string the HTTP API puts in
problem+json ``code``); :func:`error_class_for` picks the class for it. Catch :class:`Error` for
all of them, or a subclass for one kind. Nothing is stored when an append or command raises.
"""

from __future__ import annotations


class Error(Exception):
    """Base class of every roundhouse error. ``code`` is the stable error code string."""

    code: str = "internal"

    def __init__(self, message: str = "", code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class ValidationError(Error, ValueError):
    """Bad input: a malformed argument, id or payload (``invalid_argument``, ``payload_too_large``)."""

    code = "invalid_argument"


class SchemaViolation(ValidationError):
    """A payload or command body does not satisfy its JSON Schema; the message starts with the JSON Pointer."""

    code = "schema_violation"


class RuleViolation(ValidationError):
    """A domain rule refuses the command (illegal transition, stock below zero)."""

    code = "rule_violation"


class NotFound(Error, LookupError):
    """The stream, aggregate, projection, route or command does not exist (or is not visible)."""

    code = "not_found"


class ConcurrencyError(Error):
    """The optimistic concurrency check failed (``wrong_expected_version``); nothing was written."""

    code = "wrong_expected_version"


class DuplicateEvent(ConcurrencyError):
    """An event id is stored already, but not as an exact retry of the same append."""

    code = "duplicate_event"


class PermissionDenied(Error, PermissionError):
    """The tenant or role may not do this (``forbidden``, ``unauthenticated``)."""

    code = "forbidden"


class StorageError(Error, OSError):
    """The backend failed to read or write (``io_error``)."""

    code = "io_error"


class Unavailable(StorageError):
    """The store is closed, shutting down or unreachable."""

    code = "unavailable"


class CorruptedError(StorageError):
    """Stored data fails validation (hash chain, schema version)."""

    code = "corrupted"


class PluginError(Error):
    """A plugin is missing, refused (ABI or build mismatch) or its folder cannot be read (``incompatible``)."""

    code = "incompatible"


class InternalError(Error):
    """A bug: an invariant did not hold, or a plugin threw."""

    code = "internal"


_BY_CODE: dict[str, type[Error]] = {
    "invalid_argument": ValidationError,
    "payload_too_large": ValidationError,
    "schema_violation": SchemaViolation,
    "rule_violation": RuleViolation,
    "not_found": NotFound,
    "wrong_expected_version": ConcurrencyError,
    "duplicate_event": DuplicateEvent,
    "forbidden": PermissionDenied,
    "unauthenticated": PermissionDenied,
    "io_error": StorageError,
    "unavailable": Unavailable,
    "corrupted": CorruptedError,
    "incompatible": PluginError,
    "internal": InternalError,
}


def error_class_for(code: str) -> type[Error]:
    """The exception class for an error code (:class:`Error` for a code this version does not know)."""
    return _BY_CODE.get(code, Error)


def install_each(entries: dict, install_one, on_error, strict: bool) -> list:
    """Runs ``install_one(name, entry)`` (True when newly added) for each entry, sorted by name; an
    :class:`Error` is raised when ``strict``, else handed to ``on_error(name, err)`` and the others
    carry on. Returns the names newly added. (Python KPIs and model types into a plugin registry.)"""
    added = []
    for name, entry in sorted(entries.items()):
        try:
            if install_one(name, entry):
                added.append(name)
        except Error as err:
            if strict:
                raise
            on_error(name, err)
    return added
