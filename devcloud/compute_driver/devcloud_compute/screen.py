"""The text console an instance's VNC display shows: its boot log, then a login prompt that echoes
what is typed. A fake instance has no users, so every login is refused."""

import threading

from PIL import Image, ImageDraw, ImageFont

COLUMNS = 80
ROWS = 25
# Pillow's built-in bitmap font has 6x11 pixel cells; the screen draws them twice as large.
SCALE = 2
FOREGROUND = (204, 204, 204)
BACKGROUND = (0, 0, 0)
# X keysyms (RFB key events carry them); the printable ASCII ones equal their characters' codes.
KEYSYM_BACKSPACE = 0xFF08
KEYSYM_RETURN = 0xFF0D
KEYSYM_KEYPAD_ENTER = 0xFF8D
PRINTABLE = range(0x20, 0x7F)
LONGEST_LOGIN = 32


def _rows(line: str) -> list[str]:
    """A line cut into screen rows (an empty line is one empty row)."""
    return [line[start : start + COLUMNS] for start in range(0, max(len(line), 1), COLUMNS)]


class TextScreen:
    """The screen of one console, shared by everyone viewing it.

    `changed` is notified whenever what it shows changes; `version` counts those changes.
    """

    def __init__(self, log: str, hostname: str) -> None:
        self._font = ImageFont.load_default_imagefont()
        left, top, right, bottom = self._font.getbbox("M")
        self._cell = (right - left, bottom - top)
        self.size = (COLUMNS * self._cell[0] * SCALE, ROWS * self._cell[1] * SCALE)
        self._lines = log.splitlines()
        self._prompt = f"{hostname} login: "
        self._typed = ""
        self.changed = threading.Condition()
        self.version = 0

    def key(self, keysym: int) -> None:
        """A key pressed on the console: printable characters are typed, Return submits."""
        with self.changed:
            if keysym in (KEYSYM_RETURN, KEYSYM_KEYPAD_ENTER):
                self._lines = [*self._lines, self._prompt + self._typed, "Login incorrect", ""]
                self._lines = self._lines[-ROWS:]
                self._typed = ""
            elif keysym == KEYSYM_BACKSPACE and self._typed:
                self._typed = self._typed[:-1]
            elif keysym in PRINTABLE and len(self._typed) < LONGEST_LOGIN:
                self._typed += chr(keysym)
            else:
                return
            self.version += 1
            self.changed.notify_all()

    def render(self) -> tuple[int, Image.Image]:
        """The screen as it is now (RGB), with its version."""
        with self.changed:
            lines = [*self._lines, f"{self._prompt}{self._typed}_"]
            version = self.version
        rows = [row for line in lines for row in _rows(line)][-ROWS:]
        width, height = self._cell
        image = Image.new("RGB", (COLUMNS * width, ROWS * height), BACKGROUND)
        draw = ImageDraw.Draw(image)
        for index, row in enumerate(rows):
            draw.text((0, index * height), row, font=self._font, fill=FOREGROUND)
        return version, image.resize(self.size, Image.Resampling.NEAREST)
