"""Deterministic, unique, realistic-looking ids (Salesforce, Stripe, Segment, Delighted).

Each id kind is an affine permutation of a counter over 62**width, so ids never
collide within a kind and look scrambled; the seed shifts the permutation.
"""

from __future__ import annotations

import numpy as np

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def b62(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, r = divmod(value, 62)
        chars.append(_B62[r])
    return "".join(reversed(chars))


class IdSequence:
    """Counter -> scrambled base-62 id of a fixed width, with a prefix."""

    def __init__(self, prefix: str, width: int, seed: int, salt: int) -> None:
        self.prefix = prefix
        self.width = width
        self.modulus = 62**width
        # multiplier coprime to 62**width (odd, not a multiple of 31)
        mult = self.modulus * (618_033_988_749 + 7_919 * salt) // 10**12
        while mult % 2 == 0 or mult % 31 == 0:
            mult += 1
        self.mult = mult
        self.offset = self.modulus * ((seed * 754_877_666_247 + salt * 569_840_290_998) % 10**12) // 10**12
        self.count = 0

    def next(self) -> str:
        n = self.count
        self.count += 1
        return self.prefix + b62((n * self.mult + self.offset) % self.modulus, self.width)


class NumericSequence:
    """Counter -> scrambled decimal id (Delighted-style numeric ids)."""

    def __init__(self, seed: int, salt: int, digits: int = 9) -> None:
        self.modulus = 9 * 10 ** (digits - 1)
        self.base = 10 ** (digits - 1)
        self.mult = 7_919_346_133 + 2 * salt
        while self.mult % 2 == 0 or self.mult % 3 == 0 or self.mult % 5 == 0:
            self.mult += 1
        self.offset = (seed * 2_654_435_761 + salt * 40_503) % self.modulus
        self.count = 0

    def next(self) -> str:
        n = self.count
        self.count += 1
        return str(self.base + (n * self.mult + self.offset) % self.modulus)


class Ids:
    """All id sequences of one book."""

    def __init__(self, seed: int) -> None:
        def sf(prefix: str, salt: int) -> IdSequence:
            return IdSequence(prefix + "Dn000", 10, seed, salt)

        def st(prefix: str, salt: int) -> IdSequence:
            return IdSequence(prefix + "_", 14, seed, salt)

        self.account = sf("001", 1)
        self.contact = sf("003", 2)
        self.sf_user = sf("005", 3)
        self.opportunity = sf("006", 4)
        self.case = sf("500", 5)
        self.task = sf("00T", 6)
        self.customer = st("cus", 7)
        self.product = st("prod", 8)
        self.price = st("price", 9)
        self.subscription = st("sub", 10)
        self.item = st("si", 11)
        self.discount = st("di", 12)
        self.invoice = st("in", 13)
        self.seg_user = IdSequence("usr_", 12, seed, 14)
        self.group_call = IdSequence("grp_", 16, seed, 15)
        self.person = NumericSequence(seed, 16)
        self.response = NumericSequence(seed, 17, digits=10)
        self.permalink = IdSequence("", 12, seed, 18)


def event_ids(start: int, count: int, seed: int) -> np.ndarray:
    """`count` tracks ids 'evt_' + 20 hex chars for counters start.. (bijective 64-bit mix)."""
    with np.errstate(over="ignore"):
        x = np.arange(start, start + count, dtype=np.uint64)
        x = x * np.uint64(0x9E3779B97F4A7C15) + np.uint64((seed * 0xBF58476D1CE4E5B9) % 2**64)
        x ^= x >> np.uint64(31)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(29)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)  # 16 nibbles
    nibbles = ((x[:, None] >> shifts[None, :]) & np.uint64(0xF)).astype(np.intp)
    chars = np.empty((count, 20), dtype=np.uint8)
    chars[:, :4] = np.frombuffer(b"evt_", dtype=np.uint8)
    chars[:, 4:] = _HEX[nibbles]
    return chars.view("S20").reshape(count)
