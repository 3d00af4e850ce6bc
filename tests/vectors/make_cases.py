"""Write tests/vectors/cases.json: the (key bytes, partition count) pairs every client answers.

Run from the repository root: `python tests/vectors/make_cases.py`. Then run the make_*
scripts beside it, each of which asks one real client library where each case lands.

The keys cover: the empty key, ASCII and non-ASCII (UTF-8) strings, raw high bytes, every
length 0-40, long keys, and keys built so that a hash is exactly Integer.MIN_VALUE,
-1 or Integer.MAX_VALUE (murmur2 and FNV-1a are invertible, so such keys are constructed,
not searched for). Special keys get every partition count 1-100; the others five each.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from kafkaretry.partitioning.hashes import FNV32_OFFSET, FNV32_PRIME, fnv1a_32
from kafkaretry.partitioning.murmur2 import SEED, M, murmur2

OUT = Path(__file__).with_name("cases.json")
MASK = 0xFFFFFFFF


def _unxorshift(x: int, shift: int) -> int:
    y = x
    for _ in range(32 // shift + 1):
        y = x ^ (y >> shift)
    return y & MASK


def murmur2_preimage(target: int) -> bytes:
    """A 4-byte key whose murmur2 is `target` (unsigned): undo each step of Utils.murmur2."""
    m_inv = pow(M, -1, 1 << 32)
    h = _unxorshift(target, 15)
    h = (h * m_inv) & MASK
    h = _unxorshift(h, 13)  # h after the single block
    k = h ^ (((SEED ^ 4) * M) & MASK)
    k = (k * m_inv) & MASK
    k = _unxorshift(k, 24)
    k = (k * m_inv) & MASK
    key = k.to_bytes(4, "little")
    assert murmur2(key) & MASK == target
    return key


def fnv1a_preimage(target: int) -> bytes:
    """A 5-byte key whose FNV-1a is `target`: 3 searched bytes, then 2 solved ones."""
    p_inv = pow(FNV32_PRIME, -1, 1 << 32)
    prefixes = np.arange(1 << 24, dtype=np.uint32)
    h = np.full(1 << 24, FNV32_OFFSET, dtype=np.uint32)
    for shift in (16, 8, 0):
        h = (h ^ ((prefixes >> np.uint32(shift)) & np.uint32(0xFF))) * np.uint32(FNV32_PRIME)
    before_last = (target * p_inv) & MASK  # h3 ^ b4
    for b4 in range(256):
        h3 = before_last ^ b4
        want = (h3 * p_inv) & MASK  # h2 ^ b3: its top 24 bits are h2's
        hits = np.flatnonzero((h >> np.uint32(8)) == np.uint32(want >> 8))
        if len(hits):
            p = int(hits[0])
            b3 = (want ^ int(h[p])) & 0xFF
            key = p.to_bytes(3, "big") + bytes([b3, b4])
            assert fnv1a_32(key) == target
            return key
    raise AssertionError("no preimage")


def keys() -> tuple[list[bytes], list[bytes]]:
    special = [
        b"",
        b"a",
        b"foobar",
        "café".encode(),
        "日本語のキー".encode(),
        "🙂".encode(),
        bytes([0x80, 0xFF, 0x00, 0x7F, 0xC3]),
    ]
    special += [murmur2_preimage(t) for t in (0x80000000, 0xFFFFFFFF, 0x7FFFFFFF, 0)]
    special += [fnv1a_preimage(t) for t in (0x80000000, 0xFFFFFFFF, 0x7FFFFFFF)]
    rng = random.Random(16)
    others = [
        b"21",
        b"abc",
        b"a-little-bit-long-string",
        b"a-little-bit-longer-string",
        b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
        "Ünïcödé-ключ-键".encode(),
        b"x" * 1000,
    ]
    others += [f"user-{i}".encode() for i in range(40)]
    others += [bytes(rng.randrange(256) for _ in range(length)) for length in range(1, 41)]
    others += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))) for _ in range(120)]
    others += [str(rng.randrange(10**12)).encode() for _ in range(40)]
    return special, others


def main() -> None:
    special, others = keys()
    rng = random.Random(1600)
    cases = [[k.hex(), n] for k in special for n in range(1, 101)]
    cases += [[k.hex(), n] for k in others for n in sorted(rng.sample(range(1, 101), 5))]
    OUT.write_text(json.dumps({"cases": cases}, separators=(",", ":")) + "\n")
    print(f"{len(cases)} cases → {OUT}")


if __name__ == "__main__":
    main()
