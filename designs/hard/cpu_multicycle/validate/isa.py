"""Instruction-accurate model of the cpu_multicycle ISA (an RV32I subset with M-mode traps), an
assembler for it, and the programs that validate and the golden testbench run.

Only the stdlib: the model is written from spec.md, independently of reference.sv.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MASK = 0xFFFFFFFF
TRAP_VECTOR = 0x200
MEM_WORDS = 256  # the testbench's memories: 1 KiB each, word index = addr[9:2]
CSR_MEPC, CSR_MCAUSE = 0x341, 0x342


def sx(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def signed(value: int) -> int:
    return sx(value, 32)


# --- encoders ----------------------------------------------------------------------------------


def r_type(f7: int, rs2: int, rs1: int, f3: int, rd: int, op: int = 0x33) -> int:
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op


def i_type(imm: int, rs1: int, f3: int, rd: int, op: int) -> int:
    return ((imm & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op


def s_type(imm: int, rs2: int, rs1: int, f3: int = 2) -> int:
    imm &= 0xFFF
    return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23


def b_type(imm: int, rs2: int, rs1: int, f3: int) -> int:
    imm &= 0x1FFF
    return (
        (((imm >> 12) & 1) << 31)
        | (((imm >> 5) & 0x3F) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | (((imm >> 1) & 0xF) << 8)
        | (((imm >> 11) & 1) << 7)
        | 0x63
    )


def u_type(imm20: int, rd: int, op: int) -> int:
    return ((imm20 & 0xFFFFF) << 12) | (rd << 7) | op


def j_type(imm: int, rd: int) -> int:
    imm &= 0x1FFFFF
    return (
        (((imm >> 20) & 1) << 31)
        | (((imm >> 1) & 0x3FF) << 21)
        | (((imm >> 11) & 1) << 20)
        | (((imm >> 12) & 0xFF) << 12)
        | (rd << 7)
        | 0x6F
    )


OP_F3 = {"add": 0, "sll": 1, "slt": 2, "sltu": 3, "xor": 4, "srl": 5, "or": 6, "and": 7, "sub": 0, "sra": 5}
IMM_F3 = {"addi": 0, "slti": 2, "sltiu": 3, "xori": 4, "ori": 6, "andi": 7, "slli": 1, "srli": 5, "srai": 5}
BR_F3 = {"beq": 0, "bne": 1, "blt": 4, "bge": 5, "bltu": 6, "bgeu": 7}
ECALL, EBREAK, MRET = 0x00000073, 0x00100073, 0x30200073


class Asm:
    """A two-pass assembler: branch/jump targets may be labels."""

    def __init__(self, base: int = 0) -> None:
        self.words: dict[int, object] = {}
        self.text: dict[int, str] = {}
        self.pc = base
        self.labels: dict[str, int] = {}

    def org(self, address: int) -> None:
        self.pc = address

    def label(self, name: str) -> None:
        self.labels[name] = self.pc

    def emit(self, word: object, text: str) -> None:
        self.words[self.pc] = word
        self.text[self.pc] = text
        self.pc += 4

    def word(self, w: int, text: str = "") -> None:
        self.emit(w & MASK, text or f".word 0x{w & MASK:08x}")

    def op(self, name: str, rd: int, rs1: int, rs2: int) -> None:
        f7 = 0x20 if name in ("sub", "sra") else 0
        self.emit(r_type(f7, rs2, rs1, OP_F3[name], rd), f"{name} x{rd}, x{rs1}, x{rs2}")

    def opi(self, name: str, rd: int, rs1: int, imm: int) -> None:
        if name in ("slli", "srli", "srai"):
            imm = (imm & 31) | (0x400 if name == "srai" else 0)
        self.emit(i_type(imm, rs1, IMM_F3[name], rd, 0x13), f"{name} x{rd}, x{rs1}, {imm}")

    def li(self, rd: int, value: int) -> None:
        value &= MASK
        lo = sx(value, 12)
        hi = ((value - lo) >> 12) & 0xFFFFF
        if hi:
            self.lui(rd, hi)
            if lo:
                self.opi("addi", rd, rd, lo)
        else:
            self.opi("addi", rd, 0, lo)

    def lui(self, rd: int, imm20: int) -> None:
        self.emit(u_type(imm20, rd, 0x37), f"lui x{rd}, 0x{imm20 & 0xFFFFF:x}")

    def auipc(self, rd: int, imm20: int) -> None:
        self.emit(u_type(imm20, rd, 0x17), f"auipc x{rd}, 0x{imm20 & 0xFFFFF:x}")

    def lw(self, rd: int, imm: int, rs1: int) -> None:
        self.emit(i_type(imm, rs1, 2, rd, 0x03), f"lw x{rd}, {imm}(x{rs1})")

    def sw(self, rs2: int, imm: int, rs1: int) -> None:
        self.emit(s_type(imm, rs2, rs1), f"sw x{rs2}, {imm}(x{rs1})")

    def br(self, name: str, rs1: int, rs2: int, target: int | str) -> None:
        pc = self.pc
        self.emit(
            lambda: b_type(self._off(target, pc), rs2, rs1, BR_F3[name]), f"{name} x{rs1}, x{rs2}, {target}"
        )

    def jal(self, rd: int, target: int | str) -> None:
        pc = self.pc
        self.emit(lambda: j_type(self._off(target, pc), rd), f"jal x{rd}, {target}")

    def jalr(self, rd: int, rs1: int, imm: int) -> None:
        self.emit(i_type(imm, rs1, 0, rd, 0x67), f"jalr x{rd}, {imm}(x{rs1})")

    def csrrw(self, rd: int, csr: int, rs1: int) -> None:
        self.emit(i_type(csr, rs1, 1, rd, 0x73), f"csrrw x{rd}, 0x{csr:x}, x{rs1}")

    def csrrs(self, rd: int, csr: int, rs1: int) -> None:
        self.emit(i_type(csr, rs1, 2, rd, 0x73), f"csrrs x{rd}, 0x{csr:x}, x{rs1}")

    def _off(self, target: int | str, pc: int) -> int:
        # an int target is a byte offset from the instruction; a str is a label
        return self.labels[target] - pc if isinstance(target, str) else target

    def image(self) -> dict[int, tuple[int, str]]:
        out = {}
        for addr, w in self.words.items():
            value = w() if callable(w) else w
            assert isinstance(value, int)
            out[addr] = (value & MASK, self.text[addr])
        return out


# --- the ISA model -----------------------------------------------------------------------------


@dataclass
class Retire:
    pc: int
    rd: int  # 0 when no register is written
    wdata: int  # 0 when no register is written
    trap: bool
    cycles: int  # 4, or 5 for a load or store that accesses memory
    store: tuple[int, int] | None = None  # (address, data)
    load: int | None = None  # address read


@dataclass
class Machine:
    imem: dict[int, int]  # word index -> word
    dmem: list[int] = field(default_factory=lambda: [0] * MEM_WORDS)
    regs: list[int] = field(default_factory=lambda: [0] * 32)
    pc: int = 0
    mepc: int = 0
    mcause: int = 0

    def fetch(self, address: int) -> int:
        return self.imem.get((address >> 2) % MEM_WORDS, 0)

    def step(self) -> Retire:
        pc = self.pc
        ins = self.fetch(pc)
        op, rd, f3 = ins & 0x7F, (ins >> 7) & 31, (ins >> 12) & 7
        rs1, rs2, f7 = (ins >> 15) & 31, (ins >> 20) & 31, ins >> 25
        a, b = self.regs[rs1], self.regs[rs2]
        imm_i = sx(ins >> 20, 12)
        imm_s = sx(((ins >> 25) << 5) | ((ins >> 7) & 31), 12)
        imm_b = sx(
            (((ins >> 31) & 1) << 12)
            | (((ins >> 7) & 1) << 11)
            | (((ins >> 25) & 0x3F) << 5)
            | (((ins >> 8) & 0xF) << 1),
            13,
        )
        imm_j = sx(
            (((ins >> 31) & 1) << 20)
            | (((ins >> 12) & 0xFF) << 12)
            | (((ins >> 20) & 1) << 11)
            | (((ins >> 21) & 0x3FF) << 1),
            21,
        )
        nxt = (pc + 4) & MASK
        wb: int | None = None
        cause: int | None = None
        store = load = None
        cycles = 4

        if op == 0x37:
            wb = ins & 0xFFFFF000
        elif op == 0x17:
            wb = (pc + (ins & 0xFFFFF000)) & MASK
        elif op == 0x6F:
            target = (pc + imm_j) & MASK
            if target & 3:
                cause = 0
            else:
                wb, nxt = (pc + 4) & MASK, target
        elif op == 0x67 and f3 == 0:
            target = (a + imm_i) & MASK & ~1
            if target & 3:
                cause = 0
            else:
                wb, nxt = (pc + 4) & MASK, target
        elif op == 0x63 and f3 not in (2, 3):
            taken = {
                0: a == b,
                1: a != b,
                4: signed(a) < signed(b),
                5: signed(a) >= signed(b),
                6: a < b,
                7: a >= b,
            }[f3]
            if taken:
                target = (pc + imm_b) & MASK
                if target & 3:
                    cause = 0
                else:
                    nxt = target
        elif op == 0x03 and f3 == 2:
            addr = (a + imm_i) & MASK
            if addr & 3:
                cause = 4
            else:
                wb, load, cycles = self.dmem[(addr >> 2) % MEM_WORDS], addr, 5
        elif op == 0x23 and f3 == 2:
            addr = (a + imm_s) & MASK
            if addr & 3:
                cause = 6
            else:
                store, cycles = (addr, b), 5
        elif op == 0x13 and (f3 not in (1, 5) or (f3 == 1 and f7 == 0) or (f3 == 5 and f7 in (0, 0x20))):
            wb = alu(f3, f7 == 0x20 and f3 == 5, a, imm_i & MASK)
        elif op == 0x33 and (f7 == 0 or (f7 == 0x20 and f3 in (0, 5))):
            wb = alu(f3, f7 == 0x20, a, b)
        elif ins == ECALL:
            cause = 11
        elif ins == EBREAK:
            cause = 3
        elif ins == MRET:
            nxt = self.mepc
        elif op == 0x73 and f3 in (1, 2) and (ins >> 20) in (CSR_MEPC, CSR_MCAUSE):
            csr = ins >> 20
            old = self.mepc if csr == CSR_MEPC else self.mcause
            wb = old
            new = a if f3 == 1 else old | a
            if f3 == 1 or rs1 != 0:
                if csr == CSR_MEPC:
                    self.mepc = new & ~3 & MASK
                else:
                    self.mcause = new
        else:
            cause = 2

        if cause is not None:
            self.mepc, self.mcause, self.pc = pc, cause, TRAP_VECTOR
            return Retire(pc, 0, 0, True, 4)
        if store is not None:
            self.dmem[(store[0] >> 2) % MEM_WORDS] = store[1]
        written = wb is not None and rd != 0
        if written:
            assert wb is not None
            self.regs[rd] = wb & MASK
        self.pc = nxt
        return Retire(
            pc, rd if written else 0, (wb or 0) & MASK if written else 0, False, cycles, store, load
        )


def alu(f3: int, alt: bool, a: int, b: int) -> int:
    sh = b & 31
    if f3 == 0:
        return (a - b if alt else a + b) & MASK
    if f3 == 1:
        return (a << sh) & MASK
    if f3 == 2:
        return int(signed(a) < signed(b))
    if f3 == 3:
        return int(a < b)
    if f3 == 4:
        return a ^ b
    if f3 == 5:
        return (signed(a) >> sh) & MASK if alt else a >> sh
    if f3 == 6:
        return a | b
    return a & b


# --- programs ----------------------------------------------------------------------------------


def handler(p: Asm) -> None:
    """The trap handler at TRAP_VECTOR: record mcause and mepc in memory, count traps, skip the
    trapping instruction (mepc + 4) and return."""
    p.org(TRAP_VECTOR)
    p.csrrs(30, CSR_MCAUSE, 0)
    p.sw(30, 0x3F0, 0)
    p.csrrs(31, CSR_MEPC, 0)
    p.sw(31, 0x3F4, 0)
    p.lw(30, 0x3F8, 0)
    p.opi("addi", 30, 30, 1)
    p.sw(30, 0x3F8, 0)
    p.opi("addi", 31, 31, 4)
    p.csrrw(0, CSR_MEPC, 31)
    p.word(MRET, "mret")


def prog_alu() -> Asm:
    p = Asm()
    p.li(1, 0x12345678)
    p.li(2, 0x80000001)
    p.li(3, -7)
    p.opi("addi", 4, 0, 5)
    for name in ("add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and"):
        p.op(name, 5, 1, 2)
        p.op(name, 6, 2, 3)
        p.op(name, 7, 3, 4)
        p.op(name, 8, 2, 1)
    for name, imm in (("addi", -1), ("slti", -3), ("sltiu", -3), ("xori", -1), ("ori", 0x7F0), ("andi", -16)):
        p.opi(name, 9, 2, imm)
        p.opi(name, 10, 3, imm)
        p.opi(name, 11, 4, 2047)
    for name in ("slli", "srli", "srai"):
        for sh in (0, 1, 4, 31):
            p.opi(name, 12, 2, sh)
            p.opi(name, 13, 3, sh)
    p.op("add", 0, 1, 2)  # x0 stays 0
    p.op("add", 14, 0, 1)
    p.lui(15, 0xFFFFF)
    p.auipc(16, 0x80000)
    p.auipc(17, 0)
    p.label("end")
    p.jal(0, "end")
    return p


def prog_branches() -> Asm:
    p = Asm()
    p.li(1, -1)
    p.opi("addi", 2, 0, 1)
    p.opi("addi", 3, 0, 1)
    n = 0
    for name in BR_F3:
        for a, b in ((1, 2), (2, 1), (2, 3), (1, 1)):
            p.br(name, a, b, f"t{n}")
            p.opi("addi", 10, 10, 1)
            p.label(f"t{n}")
            p.opi("addi", 11, 11, 3)
            n += 1
    # a counted loop, backwards branch
    p.opi("addi", 5, 0, 6)
    p.label("loop")
    p.op("add", 6, 6, 5)
    p.opi("addi", 5, 5, -1)
    p.br("bne", 5, 0, "loop")
    # call and return
    p.jal(1, "func")
    p.opi("addi", 7, 7, 100)
    p.auipc(8, 0)
    p.jalr(9, 8, 12)  # to the instruction after the next one
    p.opi("addi", 7, 7, 1000)  # skipped
    p.jalr(20, 0, 0x300)  # absolute
    p.label("end")
    p.jal(0, "end")
    p.label("func")
    p.opi("addi", 7, 7, 7)
    p.jalr(0, 1, 0)
    p.org(0x300)
    p.opi("addi", 21, 21, 21)
    p.jalr(0, 0, 0x30D)  # bit 0 of a JALR target is dropped: 0x30C
    p.opi("addi", 22, 0, 22)  # skipped
    p.jal(0, "end")
    return p


def prog_memory() -> Asm:
    p = Asm()
    p.li(1, 0x200)
    p.li(2, 0xDEADBEEF)
    p.sw(2, 0, 1)
    p.sw(1, 4, 1)
    p.sw(0, -4, 1)
    p.lw(3, 0, 1)
    p.lw(4, 4, 1)
    p.lw(5, -4, 1)
    p.op("add", 6, 3, 4)
    p.lw(7, 0, 1)
    p.sw(7, 8, 1)
    p.lw(8, 8, 1)
    p.lw(0, 0, 1)  # a load to x0 writes nothing
    p.lw(9, 0x7FC, 0)
    p.lw(10, -4, 0)  # wraps to the top of the memory
    p.sw(9, 0x10, 0)
    p.lw(11, 0x10, 0)
    p.label("end")
    p.jal(0, "end")
    return p


def prog_traps() -> Asm:
    p = Asm()
    p.opi("addi", 1, 0, 1)
    p.word(ECALL, "ecall")
    p.opi("addi", 1, 1, 1)
    p.word(EBREAK, "ebreak")
    p.opi("addi", 1, 1, 1)
    p.word(0, "illegal: all zeros")
    p.word(0xFFFFFFFF, "illegal: all ones")
    p.word(r_type(1, 2, 3, 0, 4), "illegal: mul")
    p.word(r_type(0x20, 2, 3, 1, 4), "illegal: funct7 0x20 with sll")
    p.word(i_type(0x401, 3, 1, 4, 0x13), "illegal: slli with imm[10] set")
    p.word(i_type(0x7FF, 3, 5, 4, 0x13), "illegal: srli with imm[11:5]=0x3f")
    p.word(i_type(4, 3, 0, 4, 0x03), "illegal: lb")
    p.word(s_type(4, 3, 0, 0), "illegal: sb")
    p.word(b_type(8, 3, 0, 2), "illegal: branch funct3 2")
    p.word(i_type(0, 1, 1, 4, 0x67), "illegal: jalr funct3 1")
    p.word(i_type(0x300, 1, 2, 4, 0x73), "illegal: csr mstatus")
    p.word(i_type(CSR_MEPC, 1, 3, 4, 0x73), "illegal: csrrc")
    p.word(0x0000000F, "illegal: fence")
    p.word(0x10500073, "illegal: wfi")
    p.word(0x00000032, "illegal: opcode low bits 10")
    p.opi("addi", 2, 0, 0x202)
    p.lw(3, 0, 2)  # misaligned load
    p.sw(3, 1, 2)  # misaligned store
    p.lw(3, 2, 2)  # aligned load
    p.sw(1, -2, 2)  # aligned store
    p.br("beq", 0, 0, 6)  # taken, misaligned target
    p.br("bne", 0, 0, 6)  # not taken, misaligned target: no trap
    p.jal(5, 2)  # misaligned target, x5 not written
    p.opi("addi", 6, 0, 2)
    p.jalr(7, 6, 0x80)  # target 0x82: misaligned
    p.jalr(7, 6, 0x81)  # target 0x83 & ~1 = 0x82: misaligned
    # CSR access outside the handler
    p.li(8, 0x12345677)
    p.csrrw(9, CSR_MEPC, 8)
    p.csrrs(10, CSR_MEPC, 0)
    p.csrrs(11, CSR_MCAUSE, 8)
    p.csrrw(12, CSR_MCAUSE, 0)
    p.csrrs(13, CSR_MCAUSE, 0)
    p.auipc(14, 0)
    p.opi("addi", 14, 14, 16)
    p.csrrw(0, CSR_MEPC, 14)
    p.word(MRET, "mret")  # returns to the instruction after the next
    p.opi("addi", 15, 0, 99)  # skipped
    p.opi("addi", 16, 0, 1)
    p.label("end")
    p.jal(0, "end")
    handler(p)
    return p


def prog_random(seed: int, length: int = 56) -> Asm:
    """Forward-only code: branches and jumps over 0-2 items, dense register reuse (x1-x7), loads
    and stores near each other through a base pointer x8, occasional traps. An AUIPC+JALR pair is
    one item, so no jump lands between its two halves."""
    rng = random.Random(seed)
    p = Asm()
    for r in range(1, 8):
        p.li(r, rng.choice([0, 1, -1, 0x7FFFFFFF, 0x80000000, rng.getrandbits(32), rng.randrange(-20, 20)]))
    p.li(8, 0x100 + 4 * rng.randrange(32))  # a data base pointer
    reg = lambda: rng.randrange(1, 8) if rng.random() < 0.9 else rng.randrange(0, 32)  # noqa: E731
    skip = lambda n: f"i{n + rng.randrange(1, 4)}"  # noqa: E731 - the label 1-3 items ahead
    for n in range(length):
        p.label(f"i{n}")
        kind = rng.random()
        rd, a, b = reg(), reg(), reg()
        if kind < 0.25:
            p.op(rng.choice(list(OP_F3)), rd, a, b)
        elif kind < 0.45:
            name = rng.choice(list(IMM_F3))
            p.opi(
                name,
                rd,
                a,
                rng.randrange(32) if name in ("slli", "srli", "srai") else rng.randrange(-2048, 2048),
            )
        elif kind < 0.55:
            p.sw(b, 4 * rng.randrange(-8, 8), 8)
        elif kind < 0.65:
            p.lw(rd, 4 * rng.randrange(-8, 8), 8)
        elif kind < 0.75:
            p.br(rng.choice(list(BR_F3)), a, b, skip(n))
        elif kind < 0.79:
            p.jal(rd, skip(n))
        elif kind < 0.83:
            base = rng.randrange(1, 8)
            p.auipc(base, 0)
            p.jalr(reg(), base, rng.choice([8, 9]))  # bit 0 of the target is dropped
        elif kind < 0.87:
            p.lui(rd, rng.getrandbits(20))
        elif kind < 0.89:
            p.auipc(rd, rng.getrandbits(20))
        elif kind < 0.91:
            p.opi("addi", 8, 8, 4 * rng.randrange(-4, 5))
        elif kind < 0.93:
            p.lw(rd, rng.choice([1, 2, 3]), 8)  # misaligned: traps
        elif kind < 0.95:
            p.sw(b, rng.choice([1, 2, 3]), 8)
        elif kind < 0.97:
            p.word(rng.choice([ECALL, EBREAK, 0, rng.getrandbits(32)]))
        else:
            p.br(rng.choice(list(BR_F3)), a, b, rng.choice([6, 10, -2]))  # misaligned when taken
    for n in range(length, length + 4):
        p.label(f"i{n}")
    p.label("end")
    p.jal(0, "end")
    handler(p)
    return p


def programs(randoms: int) -> list[tuple[str, Asm]]:
    progs = [
        ("alu", prog_alu()),
        ("branches", prog_branches()),
        ("memory", prog_memory()),
        ("traps", prog_traps()),
    ]
    for name, prog in progs:
        if name != "traps":
            handler(prog)
    progs += [(f"random{s}", prog_random(s)) for s in range(randoms)]
    return progs


def words(prog: Asm) -> dict[int, tuple[int, str]]:
    """Word index -> (word, assembly text)."""
    return {addr >> 2: value for addr, value in prog.image().items()}


def initial_dmem(seed: int) -> list[int]:
    rng = random.Random(1000 + seed)
    return [rng.getrandbits(32) for _ in range(MEM_WORDS)]


def run(prog: Asm, dmem: list[int], cycles: int) -> list[tuple[int, Retire]]:
    """(retire cycle, retire) for every instruction retiring within `cycles` cycles after reset.

    Cycle 0 is the first cycle after reset is released: the fetch of the first instruction.
    An instruction of n cycles that starts at cycle c retires (its W cycle) at cycle c + n - 1.
    """
    m = Machine({i: w for i, (w, _) in words(prog).items()}, list(dmem))
    out = []
    start = 0
    while True:
        r = m.step()
        at = start + r.cycles - 1
        if at >= cycles:
            return out
        out.append((at, r))
        start += r.cycles
