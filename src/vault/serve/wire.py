"""The socket protocol between the CLI and the server: one request, one answer, each a JSON
object preceded by its length (4 bytes, big-endian). Standard library only."""

from __future__ import annotations

import json
import socket
import struct

_LENGTH = struct.Struct(">I")
MAX_MESSAGE = 512 * 1024 * 1024


def send(sock: socket.socket, message: dict) -> None:
    data = json.dumps(message, separators=(",", ":")).encode("utf-8")
    sock.sendall(_LENGTH.pack(len(data)) + data)


def receive(sock: socket.socket) -> dict:
    """The next message; ConnectionError when the other side closed first."""
    (size,) = _LENGTH.unpack(_exactly(sock, _LENGTH.size))
    if size > MAX_MESSAGE:
        raise ConnectionError(f"message of {size} bytes refused")
    return json.loads(_exactly(sock, size))


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError("closed before the whole message came")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
