"""Single instance: a second launch hands its files to the running app through a user-scoped local socket.

The first instance listens on :func:`server_name` (a ``QLocalServer``: a Unix socket or a Windows named
pipe, accessible to the same user only). A later launch connects, sends the absolute paths it was given as
one JSON line, waits for ``ok`` and exits 0. A name left behind by a crashed instance (a socket file nobody
listens on) is removed, so it never blocks start-up.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

#: Set to give tests (or a second, separate setup of the app) a server name of their own.
NAME_ENV = "OVEXPLORER_INSTANCE_KEY"
MAX_MESSAGE_BYTES = 256 * 1024
CONNECT_TIMEOUT_MS = 500
REPLY_TIMEOUT_MS = 3000


def server_name() -> str:
    """``ovexplorer-<user>-<hash of home (and NAME_ENV)>``: one running app per user and home folder."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    safe_user = "".join(c if c.isalnum() else "_" for c in user)[:32] or "user"
    key = f"{Path.home()}|{os.environ.get(NAME_ENV, '')}"
    return f"ovexplorer-{safe_user}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"


def encode_request(paths: list[str]) -> bytes:
    return json.dumps({"open": paths}, ensure_ascii=False).encode("utf-8") + b"\n"


def decode_request(data: bytes) -> list[str] | None:
    """The paths of a request, or None when it is not one (wrong JSON, wrong types)."""
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    paths = message.get("open") if isinstance(message, dict) else None
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return None
    return paths


def send_to_running(paths: list[str], name: str | None = None) -> bool:
    """Hand ``paths`` (absolute) to a running instance; True if it took them, False if none answered."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(encode_request(paths))
    socket.flush()
    reply = b""
    while b"\n" not in reply and socket.waitForReadyRead(REPLY_TIMEOUT_MS):
        reply += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return reply.strip() == b"ok"


class InstanceServer(QObject):
    """Listens for later launches; emits :attr:`open_requested` with the paths each one sends."""

    #: The paths a later launch asked to open (possibly empty: it was started without a file).
    open_requested = Signal(list)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening unless a live instance answers on the name; a stale name is removed first.

        The probe comes first because with socket options Qt listens by renaming a new socket over the
        name, which would silently take the name away from a running instance.
        """
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(CONNECT_TIMEOUT_MS):
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.name)  # left by a crashed instance: nobody answered on it
        return self.server.listen(self.name)

    @property
    def listening(self) -> bool:
        return self.server.isListening()

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))

    def _drop(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data and len(data) <= MAX_MESSAGE_BYTES:
            self._buffers[socket] = data
            return
        paths = decode_request(data.split(b"\n", 1)[0]) if len(data) <= MAX_MESSAGE_BYTES else None
        self._buffers[socket] = b""
        socket.write(b"ok\n" if paths is not None else b"error\n")
        socket.flush()
        socket.disconnectFromServer()
        if paths is not None:
            self.open_requested.emit(paths)
