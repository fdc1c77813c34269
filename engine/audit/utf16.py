"""UTF-16 text (Excel's "Unicode text") read line by line and handed on as UTF-8.

A line ends at the code unit LF (``0A 00`` little-endian, ``00 0A`` big-endian). A stray or
missing byte (a file cut and joined, a transfer that dropped one byte) shifts every later code
unit by one byte: decoded from a fixed alignment, the rest of the file turns into other
characters and, with no aligned LF left, into one huge "line". So each line is decoded from its
own start, and a line break found at the other parity is accepted when the text after it
is aligned again (its own next LF is at even distance). A line of odd length, or holding a lone
surrogate, is handed on with the byte 0xFF in it, which is not UTF-8: the CSV tokenizer
then rejects that record at its row ("无法按 UTF-16 解码"), and the lines after it are read.

A false break at the other parity needs the character pair U+0Axx U+xx00 (Gurmukhi or
Gujarati before certain CJK characters) *and* realigned text after it; it is then rejected as
a row, never merged silently.
"""
from __future__ import annotations

import codecs
from typing import IO, Any

MAX_LINE = 64 << 20          # bytes; a longer "line" is handed on in pieces (the tokenizer bounds the cells)


class Utf16Lines:
    def __init__(self, raw: IO[bytes], sha: Any = None) -> None:
        self.raw, self.sha = raw, sha
        bom = raw.read(2)
        if sha is not None:
            sha.update(bom)
        self.pos = len(bom)                      # raw bytes consumed (progress)
        be = bom == codecs.BOM_UTF16_BE
        self.nl = b"\x00\n" if be else b"\n\x00"
        self.codec = "utf-16-be" if be else "utf-16-le"
        self.buf = b"" if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else bom
        self.eof = False

    def _line(self, raw: bytes) -> bytes:
        bad = len(raw) % 2
        text = raw[:len(raw) - bad].decode(self.codec, errors="gridlaw-bad")
        return text.encode("utf-8", "surrogateescape") + (b"\xff" if bad else b"")

    def read(self, n: int) -> bytes:
        """Whole lines, UTF-8, about n bytes of them; b"" at the end."""
        out: list[bytes] = []
        size = 0
        while size < n:
            if not self.eof:
                data = self.raw.read(max(n // 2, 1 << 16))
                if self.sha is not None:
                    self.sha.update(data)
                self.pos += len(data)
                self.eof = not data
                self.buf += data
            lines, used = self._split(self.buf, self.eof)
            self.buf = self.buf[used:]
            out.extend(lines)
            size += sum(len(x) for x in lines)
            if self.eof:
                if self.buf:
                    out.append(self._line(self.buf))
                    self.buf = b""
                break
            if not lines and len(self.buf) > MAX_LINE:       # no line break for 64 MB: hand on a piece
                cut = len(self.buf) - len(self.buf) % 2
                out.append(self._line(self.buf[:cut]))
                self.buf = self.buf[cut:]
                break
        return b"".join(out)

    def _split(self, b: bytes, final: bool) -> tuple[list[bytes], int]:
        """(UTF-8 lines, each ending in LF; bytes of b they used)."""
        nl = self.nl
        out: list[bytes] = []
        i = 0
        search = 0
        while True:
            j = b.find(nl, search)
            if j < 0:
                return out, i
            if (j - i) % 2 == 0:                 # an aligned LF
                out.append(self._line(b[i:j]) + b"\n")
                i = search = j + 2
                continue
            k = b.find(nl, j + 2)                # an LF at the other parity: is the text after it aligned?
            if k < 0 and not final:
                return out, i                    # decide when more is read
            after = (len(b) if k < 0 else k) - (j + 2)
            if after % 2 == 0:                   # realigned: this line held the stray byte
                out.append(self._line(b[i:j]) + b"\n")
                i = search = j + 2
            else:
                search = j + 1                   # two characters' bytes, not a line break
