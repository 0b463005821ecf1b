"""A small RFB 3.8 (VNC, RFC 6143) server showing one instance's text console on 127.0.0.1.

Its only client is Nova's noVNC proxy, which checks the user's console token and then connects
to the host and port the driver reported. So it offers the security type None, sends Raw
rectangles in 32-bit true colour (whatever byte order the client asks for) and ignores the
mouse. Every viewer of one console shares its screen, as on a real hypervisor.
"""

import contextlib
import logging
import socket
import socketserver
import struct
import threading

from PIL import Image, ImageChops

from devcloud_compute.screen import TextScreen

LOG = logging.getLogger(__name__)

VERSION = b"RFB 003.008\n"
SECURITY_NONE = 1
SECURITY_OK = 0
SECURITY_FAILED = 1
ENCODING_RAW = 0
PIXEL_FORMAT_LAYOUT = "!BBBBHHHBBBxxx"
# The server's native format: 32 bits per pixel, depth 24, little-endian true colour, red at
# bit 16, which is Pillow's raw mode BGRX.
SERVER_PIXEL_FORMAT = struct.pack(PIXEL_FORMAT_LAYOUT, 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
SERVER_RAW_MODE = "BGRX"
# The 32-bit layouts Pillow can pack an RGB image into, one byte per channel.
RAW_MODES = ("RGBX", "BGRX", "XRGB", "XBGR")
# Client-to-server message types.
SET_PIXEL_FORMAT = 0
SET_ENCODINGS = 2
UPDATE_REQUEST = 3
KEY_EVENT = 4
POINTER_EVENT = 5
CUT_TEXT = 6
LONGEST_CUT_TEXT = 1 << 20


class ProtocolError(Exception):
    """The client sent something this server does not speak; its connection is closed."""


def raw_mode(pixel_format: bytes) -> str:
    """Pillow's raw mode for a client's pixel format (SetPixelFormat's 16 bytes).

    Only 32-bit true colour with 8-bit channels on byte boundaries is supported (what noVNC
    asks for); anything else is a ProtocolError.
    """
    bits, _depth, big_endian, true_colour, *fields = struct.unpack(
        PIXEL_FORMAT_LAYOUT, pixel_format
    )
    maxima, shifts = fields[:3], fields[3:]
    if bits != 32 or not true_colour or maxima != [255, 255, 255]:
        raise ProtocolError(f"unsupported pixel format {pixel_format.hex()}")
    layout = ["X"] * 4
    for channel, shift in zip("RGB", shifts, strict=True):
        if shift % 8 or shift > 24:
            raise ProtocolError(f"unsupported pixel format {pixel_format.hex()}")
        byte = shift // 8
        layout[3 - byte if big_endian else byte] = channel
    mode = "".join(layout)
    if mode not in RAW_MODES:
        raise ProtocolError(f"unsupported pixel format {pixel_format.hex()}")
    return mode


def framebuffer_update(image: Image.Image, box: tuple[int, int, int, int], mode: str) -> bytes:
    """A FramebufferUpdate message with one Raw rectangle: `box` (left, top, right, bottom)."""
    left, top, right, bottom = box
    header = struct.pack("!BxH", 0, 1)
    rectangle = struct.pack("!HHHHi", left, top, right - left, bottom - top, ENCODING_RAW)
    return header + rectangle + image.crop(box).tobytes("raw", mode)


class _Session(socketserver.BaseRequestHandler):
    """One viewer: this thread reads its messages, a second one sends screen updates.

    Updates are sent only when the viewer has asked for one (FramebufferUpdateRequest): at
    once for a full one, for an incremental one as soon as the screen differs from what the
    viewer last got, and then only the rectangle that changed.
    """

    server: "ConsoleServer"
    request: socket.socket

    def setup(self) -> None:
        self.screen = self.server.screen
        self.mode = SERVER_RAW_MODE
        self.pending = False
        self.full = False
        self.closed = False
        self.sent: Image.Image | None = None
        self.sent_version = -1
        self.server.track(self.request)

    def finish(self) -> None:
        self.server.untrack(self.request)

    def handle(self) -> None:
        try:
            self._handshake()
            writer = threading.Thread(target=self._send_updates, daemon=True)
            writer.start()
            try:
                self._read_messages()
            finally:
                with self.screen.changed:
                    self.closed = True
                    self.screen.changed.notify_all()
                writer.join()
        except (OSError, ProtocolError) as exc:
            LOG.debug("console %s: viewer left (%s)", self.server.name, exc)

    def _receive(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.request.recv(size - len(data))
            if not chunk:
                raise ConnectionError("the viewer closed the connection")
            data += chunk
        return data

    def _handshake(self) -> None:
        self.request.sendall(VERSION)
        version = self._receive(len(VERSION))
        if version != VERSION:
            raise ProtocolError(f"only RFB 3.8 is spoken, the viewer asked for {version!r}")
        self.request.sendall(bytes((1, SECURITY_NONE)))
        if self._receive(1)[0] != SECURITY_NONE:
            reason = b"only the security type None is offered"
            self.request.sendall(struct.pack("!II", SECURITY_FAILED, len(reason)) + reason)
            raise ProtocolError(reason.decode())
        self.request.sendall(struct.pack("!I", SECURITY_OK))
        self._receive(1)  # ClientInit's shared flag: every viewer shares the screen anyway.
        width, height = self.screen.size
        name = self.server.name.encode()
        init = struct.pack("!HH", width, height) + SERVER_PIXEL_FORMAT
        self.request.sendall(init + struct.pack("!I", len(name)) + name)

    def _read_messages(self) -> None:
        while True:
            kind = self._receive(1)[0]
            if kind == SET_PIXEL_FORMAT:
                mode = raw_mode(self._receive(19)[3:])
                with self.screen.changed:
                    self.mode = mode
            elif kind == SET_ENCODINGS:
                (count,) = struct.unpack("!xH", self._receive(3))
                self._receive(4 * count)  # Raw, which every viewer must accept, is all we send.
            elif kind == UPDATE_REQUEST:
                incremental = self._receive(9)[0]
                with self.screen.changed:
                    self.pending = True
                    self.full = self.full or not incremental
                    self.screen.changed.notify_all()
            elif kind == KEY_EVENT:
                down, keysym = struct.unpack("!BxxI", self._receive(7))
                if down:
                    self.screen.key(keysym)
            elif kind == POINTER_EVENT:
                self._receive(5)
            elif kind == CUT_TEXT:
                (length,) = struct.unpack("!xxxI", self._receive(7))
                if length > LONGEST_CUT_TEXT:
                    raise ProtocolError(f"clipboard text of {length} bytes")
                self._receive(length)
            else:
                raise ProtocolError(f"unsupported message type {kind}")

    def _update_due(self) -> bool:
        changed = self.full or self.screen.version != self.sent_version
        return self.closed or (self.pending and changed)

    def _send_updates(self) -> None:
        try:
            while True:
                with self.screen.changed:
                    self.screen.changed.wait_for(self._update_due)
                    if self.closed:
                        return
                    full, mode = self.full, self.mode
                    self.pending = self.full = False
                version, image = self.screen.render()
                if full or self.sent is None:
                    box: tuple[int, int, int, int] | None = (0, 0, *image.size)
                else:
                    box = ImageChops.difference(image, self.sent).getbbox()
                self.sent, self.sent_version = image, version
                if box is None:
                    with self.screen.changed:
                        self.pending = True  # nothing to show yet: the request stays open
                    continue
                self.request.sendall(framebuffer_update(image, box, mode))
        except OSError as exc:
            LOG.debug("console %s: could not send an update (%s)", self.server.name, exc)
            with contextlib.suppress(OSError):
                self.request.shutdown(socket.SHUT_RDWR)


class ConsoleServer(socketserver.ThreadingTCPServer):
    """An RFB server on a free port (`port`) of `address` showing `screen`, until `close()`."""

    daemon_threads = True

    def __init__(self, screen: TextScreen, name: str, address: str) -> None:
        super().__init__((address, 0), _Session)
        self.screen = screen
        self.name = name
        self.port: int = self.server_address[1]
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"console-{name}", daemon=True
        )
        self._thread.start()

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def close(self) -> None:
        """Stop listening and disconnect every viewer."""
        self.shutdown()
        self.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
