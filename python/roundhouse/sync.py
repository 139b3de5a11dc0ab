"""Offline-first sync from Python: a field device's durable store and its sync with a Roundhouse
server (the sync plugin's client library, the same as ``roundhouse-sync-client``).

    from roundhouse import sync
    dev = sync.register("tablet.rhs", server="http://host:8080", api_key=ADMIN_KEY,
                        device_id="tablet-7", depot="Eastfield")      # once; later: sync.open("tablet.rhs")
    dev.write("work_order/WO-1/status", "in_progress")                # offline, durable
    dev.add("work_order/WO-1/labour", 1.5)                             # an increment (additive field)
    report = dev.sync("http://host:8080", TECHNICIAN_KEY)              # push the queue, pull the rest
    dev.dead_letters()                                                 # operations the server refused

Keys are ``"<aggregate type>/<id>/<field>"``; values are None, bool, int, float or str. Every write is
durable in the store file when the call returns. Failures raise :class:`roundhouse.Error`
subclasses (``NotFound`` for a missing store or dead letter, ``ValidationError`` for a bad value,
``Unavailable`` when the server cannot be reached after the retries, ``PermissionDenied`` for a
revoked device). ``timeout=`` (seconds, default 30) bounds connecting and every wait for the
server in ``register`` and ``sync`` (it restarts whenever data moves): a server that stops
answering fails the attempt instead of blocking.
"""

from __future__ import annotations

from ._sync import Device

__all__ = ["Device", "open", "register"]


def open(path: str) -> Device:  # noqa: A001 - mirrors roundhouse.open
    """Opens the device store file at ``path`` (created by :func:`register`)."""
    return Device.open(str(path))


def register(path: str, *, server: str, api_key: str, device_id: str, name: str = "", depot: str = "",
             role: str = "", timeout: float = 30.0) -> Device:
    """Registers ``device_id`` with the server (an admin key), creates its store file at ``path`` and
    pulls the device's scope once with that key (a failed first pull leaves the store; the next
    :meth:`Device.sync` pulls everything).

    ``depot`` limits what the device pulls and writes to that depot's vehicles and work orders;
    ``role`` (default technician) what its operations may change (GET /api/v1/sync/strategies).
    ``timeout`` (seconds) bounds each connect, write and read, as in :meth:`Device.sync`."""
    return Device.register(str(path), server=server, api_key=api_key, device_id=device_id, name=name,
                           depot=depot, role=role, timeout=timeout)
