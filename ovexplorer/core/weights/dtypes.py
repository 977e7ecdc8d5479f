"""Decode OpenVINO element types from raw bytes into numpy numbers, a chunk at a time.

``Constant.get_data()`` returns the stored bytes under a numpy dtype that is wrong for several types
(bf16 comes back as float16, i4/u4/nf4 as packed bytes, f8 as uint8), so statistics decode the raw bytes
here. Every layout below was checked against OpenVINO's own ``Convert`` to f32 on the CPU plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: NF4 code book (the 16 values OpenVINO's nf4 nibbles stand for).
NF4_VALUES = np.array(
    [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
     -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
     0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
     0.7229568362236023, 1.0],
    dtype=np.float32,
)
#: FP4 (E2M1) values for the 16 nibbles; bit 3 is the sign.
F4E2M1_VALUES = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6], dtype=np.float32)


def _f8e4m3_table() -> np.ndarray:
    """E4M3FN: bias 7, no infinity, 0x7F / 0xFF are NaN, largest finite 448."""
    codes = np.arange(256)
    sign = np.where(codes & 0x80, -1.0, 1.0)
    exp = (codes >> 3) & 0xF
    man = codes & 0x7
    values = np.where(exp == 0, man / 8.0 * 2.0**-6, (1 + man / 8.0) * 2.0 ** (exp - 7.0)) * sign
    values[(codes & 0x7F) == 0x7F] = np.nan
    return values.astype(np.float32)


def _f8e8m0_table() -> np.ndarray:
    """E8M0 (an exponent only): 2**(e - 127); 0xFF is NaN."""
    values = np.ldexp(np.float64(1.0), np.arange(256) - 127)
    values[255] = np.nan
    return values.astype(np.float32)


F8E4M3_VALUES = _f8e4m3_table()
F8E8M0_VALUES = _f8e8m0_table()


@dataclass(frozen=True, slots=True)
class ElementCodec:
    """How one element type is stored: bits per element and a decoder of a byte range."""

    name: str
    bits: int
    #: ``decode(raw_bytes, first, count)`` -> ``count`` values starting at element ``first`` (float32 or float64).
    decode: Callable[[np.ndarray, int, int], np.ndarray]

    def byte_size(self, count: int) -> int:
        return (count * self.bits + 7) // 8


def _view(dtype: type) -> Callable[[np.ndarray, int, int], np.ndarray]:
    size = np.dtype(dtype).itemsize

    def decode(raw: np.ndarray, first: int, count: int) -> np.ndarray:
        return raw[first * size:(first + count) * size].view(dtype)

    return decode


def _cast(dtype: type, to: type = np.float32) -> Callable[[np.ndarray, int, int], np.ndarray]:
    view = _view(dtype)

    def decode(raw: np.ndarray, first: int, count: int) -> np.ndarray:
        return view(raw, first, count).astype(to)

    return decode


def _bf16(raw: np.ndarray, first: int, count: int) -> np.ndarray:
    halves = raw[first * 2:(first + count) * 2].view(np.uint16)
    return (halves.astype(np.uint32) << 16).view(np.float32)


def _nibbles(raw: np.ndarray, first: int, count: int) -> np.ndarray:
    """Unpacked 4-bit codes (0..15), low nibble first, for elements ``first .. first+count``."""
    start, end = first // 2, (first + count + 1) // 2
    packed = raw[start:end]
    codes = np.empty(packed.size * 2, dtype=np.uint8)
    codes[0::2] = packed & 0x0F
    codes[1::2] = packed >> 4
    skip = first - start * 2
    return codes[skip:skip + count]


def _u4(raw: np.ndarray, first: int, count: int) -> np.ndarray:
    return _nibbles(raw, first, count).astype(np.float32)


def _i4(raw: np.ndarray, first: int, count: int) -> np.ndarray:
    codes = _nibbles(raw, first, count).astype(np.int8)
    return ((codes ^ 8) - 8).astype(np.float32)


def _table4(table: np.ndarray) -> Callable[[np.ndarray, int, int], np.ndarray]:
    def decode(raw: np.ndarray, first: int, count: int) -> np.ndarray:
        return table[_nibbles(raw, first, count)]

    return decode


def _table8(table: np.ndarray) -> Callable[[np.ndarray, int, int], np.ndarray]:
    def decode(raw: np.ndarray, first: int, count: int) -> np.ndarray:
        return table[raw[first:first + count]]

    return decode


def _f8e5m2(raw: np.ndarray, first: int, count: int) -> np.ndarray:
    # E5M2 is the top byte of an IEEE half.
    return (raw[first:first + count].astype(np.uint16) << 8).view(np.float16).astype(np.float32)


def _u1(raw: np.ndarray, first: int, count: int) -> np.ndarray:
    start = first // 8
    bits = np.unpackbits(raw[start:(first + count + 7) // 8], bitorder="big")  # first element in the top bit
    skip = first - start * 8
    return bits[skip:skip + count].astype(np.float32)


def _u2(raw: np.ndarray, first: int, count: int) -> np.ndarray:
    start = first // 4
    packed = raw[start:(first + count + 3) // 4]
    codes = np.empty(packed.size * 4, dtype=np.uint8)
    for k in range(4):  # lowest bit pair first
        codes[k::4] = (packed >> (2 * k)) & 0x3
    skip = first - start * 4
    return codes[skip:skip + count].astype(np.float32)


CODECS: dict[str, ElementCodec] = {
    c.name: c
    for c in (
        ElementCodec("f32", 32, _view(np.float32)),
        ElementCodec("f64", 64, _view(np.float64)),
        ElementCodec("f16", 16, _cast(np.float16)),
        ElementCodec("bf16", 16, _bf16),
        ElementCodec("i8", 8, _cast(np.int8)),
        ElementCodec("u8", 8, _cast(np.uint8)),
        ElementCodec("i16", 16, _cast(np.int16)),
        ElementCodec("u16", 16, _cast(np.uint16)),
        ElementCodec("i32", 32, _cast(np.int32, np.float64)),
        ElementCodec("u32", 32, _cast(np.uint32, np.float64)),
        ElementCodec("i64", 64, _cast(np.int64, np.float64)),
        ElementCodec("u64", 64, _cast(np.uint64, np.float64)),
        ElementCodec("boolean", 8, _cast(np.uint8)),
        ElementCodec("i4", 4, _i4),
        ElementCodec("u4", 4, _u4),
        ElementCodec("nf4", 4, _table4(NF4_VALUES)),
        ElementCodec("f4e2m1", 4, _table4(F4E2M1_VALUES)),
        ElementCodec("f8e4m3", 8, _table8(F8E4M3_VALUES)),
        ElementCodec("f8e5m2", 8, _f8e5m2),
        ElementCodec("f8e8m0", 8, _table8(F8E8M0_VALUES)),
        ElementCodec("u1", 1, _u1),
        ElementCodec("u2", 2, _u2),
    )
}


def codec_for(element_type: str) -> ElementCodec | None:
    """The codec of an OpenVINO element type name (``f32``, ``bf16``, ``u4``...), or None if unknown."""
    return CODECS.get(element_type)


def decode_all(raw: np.ndarray, element_type: str, count: int) -> np.ndarray:
    """All ``count`` values of a (small) constant; raises ``KeyError`` for an unknown type."""
    return CODECS[element_type].decode(raw, 0, count)
