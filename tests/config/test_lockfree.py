# SPDX-License-Identifier: MIT
"""The exchange-slot path has no lock and no atomic read-modify-write.

Disassembles, from a built image, every function a cross-CPU message goes
through (creating, waking, joining threads, remote frees, cross-CPU calls,
taking and publishing batches, the idle loop) and fails on any LOCK-prefixed
instruction, CMPXCHG, XADD, or XCHG with a memory operand (which is locked
implicitly). XCHG between registers (a NOP form used as padding) is fine.
"""

import re
import subprocess

from torotest import build

PATH_FUNCTIONS = [
    "sched_send", "sched_publish", "publish_to", "messages_poll", "dispatch",
    "handle_request", "thread_create", "thread_wake", "thread_yield", "thread_join",
    "thread_detach", "thread_block", "schedule", "switch_to", "sched_idle_loop", "idle_wait",
    "heap_free", "heap_receive", "heap_queue_remote", "mm_send_remote", "malloc", "free",
    "xcall", "xcall_receive", "worker_main",
]
LOCKED = re.compile(r"\block\b|\bcmpxchg|\bxadd|\bxchg\w*\s+[^,]*\(|\bxchg\w*\s+\S+,\s*\S*\(")


def disassemble(elf):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    funcs, name = {}, None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            name = m.group(1)
            funcs[name] = []
        elif name and line.strip():
            funcs[name].append(line.strip())
    return funcs


def test_exchange_slot_path_has_no_locked_instruction():
    elf = build("microvm-threads", fragments=["threads.config"], defconfig="microvm") / "toro.elf"
    funcs = disassemble(elf)
    present = [f for f in PATH_FUNCTIONS if f in funcs]
    # Inlined functions are checked inside their callers; most must exist.
    assert len(present) >= len(PATH_FUNCTIONS) // 2, f"only {present} found in {elf}"
    bad = [f"{f}: {insn}" for f in present for insn in funcs[f] if LOCKED.search(insn)]
    assert not bad, "locked instructions on the exchange-slot path:\n" + "\n".join(bad)
    # The wake-up protocol relies on a fence, which is not a locked instruction.
    assert any("mfence" in insn for f in present for insn in funcs[f]), "no MFENCE found"
