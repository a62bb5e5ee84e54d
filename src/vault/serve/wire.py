"""The socket protocol between the CLI and the server: one request, one answer, each a JSON
object preceded by its length (4 bytes, big-endian) and followed by the raw bytes it
announces ("blobs": their lengths). Standard library only."""

from __future__ import annotations

import json
import socket
import struct

_LENGTH = struct.Struct(">I")
MAX_MESSAGE = 512 * 1024 * 1024


def send(sock: socket.socket, message: dict, blobs: tuple[bytes, ...] = ()) -> None:
    """`message`, then `blobs` as they are (command output: no encoding to pay for)."""
    data = json.dumps({**message, "blobs": [len(b) for b in blobs]}).encode("utf-8")
    sock.sendall(_LENGTH.pack(len(data)) + data)
    for blob in blobs:
        sock.sendall(blob)


def receive(sock: socket.socket) -> tuple[dict, list[bytes]]:
    """The next message and its blobs; ConnectionError when the other side closed first."""
    (size,) = _LENGTH.unpack(_exactly(sock, _LENGTH.size))
    if size > MAX_MESSAGE:
        raise ConnectionError(f"message of {size} bytes refused")
    message = json.loads(_exactly(sock, size))
    sizes = message.pop("blobs", [])
    if not isinstance(sizes, list) or sum(sizes) > MAX_MESSAGE:
        raise ConnectionError("blobs refused")
    return message, [_exactly(sock, n) for n in sizes]


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError("closed before the whole message came")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
