"""The server's Unix socket: owner-only (the state folder 0700, the socket 0600, and every
connection's peer uid checked with SO_PEERCRED), one thread per connection, one request and
one answer per connection (vault.serve.wire), told first that the request was taken (a client
whose server took nothing within a few seconds, stopped or hung, answers alone); an answer's
"stdout" and "stderr" bytes travel as they are."""

from __future__ import annotations

import os
import socket
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from vault.serve import place, wire

Handler = Callable[[dict], dict]


class Listener:
    """Accepts connections on `path` until `close`, answering each request with `handle`."""

    def __init__(self, path: Path, handle: Handler):
        self.path = path
        self.handle = handle
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # the socket is created 0600, never wider for a moment
        try:
            if path.exists() or path.is_symlink():
                path.unlink()  # a dead server's (the caller holds the vault's server lock)
            place.bind(path, self._sock)
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
        self._sock.listen(64)
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="vault-socket", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                if self._closed:
                    return
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if _peer_uid(conn) != os.getuid():
                    return  # another user: say nothing
                request, _ = wire.receive(conn)
                wire.send(conn, {"taken": True})  # alive: the client waits for the answer
                answer = dict(self.handle(request))
                out, err = answer.pop("stdout", b""), answer.pop("stderr", b"")
                wire.send(conn, answer, (out, err))
            except (OSError, ValueError):
                return  # the client went away; it answers alone
            except Exception as exc:  # a bug: log it, and let the client answer alone
                print(f"vault: internal error answering a command: {exc!r}", file=sys.__stderr__)

    def close(self) -> None:
        self._closed = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        try:
            self.path.unlink()
        except OSError:
            pass


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid
