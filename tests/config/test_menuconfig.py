# SPDX-License-Identifier: MIT
"""`make menuconfig` used as a person uses it: driven in tmux with keys, the
screen read back with capture-pane; then what was saved is built and booted."""

import os
import re
import shutil
import signal
import subprocess
import time
import uuid

import pytest
from confhelp import fresh_out, read_config
from torotest import ROOT, boot, make

EXIT_MARK = "menuconfig-exit-status="
EXIT_RE = re.compile(EXIT_MARK + r"(\d+)")

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (Debian package 'tmux')")


class Screen:
    """One menuconfig in a private tmux server (its own socket, killed at the end)."""

    def __init__(self, command, tmp_path):
        self.sock = f"toro-menuconfig-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        conf = tmp_path / "tmux.conf"
        # Keep the pane after menuconfig exits, to read its last words and status.
        conf.write_text("set -g remain-on-exit on\n")
        self.tmux("-f", str(conf), "new-session", "-d", "-s", "mc", "-x", "200", "-y", "50",
                  "-c", str(ROOT), command)
        # The pane's process leads its own process group (make, sh, menuconfig).
        self.pgid = int(self.tmux("display", "-p", "-t", "mc", "#{pane_pid}"))

    def tmux(self, *args):
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "TMUX")}
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, env=env,
                              text=True, check=True, timeout=30).stdout

    def text(self):
        return self.tmux("capture-pane", "-p", "-t", "mc")

    def wait_for(self, what, timeout=30):
        """Poll the screen until `what` (a string or a predicate) shows."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if (what(screen) if callable(what) else what in screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"menuconfig never showed {what!r}; screen:\n{screen}")
            time.sleep(0.05)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "mc", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "mc", "-l", "--", text)

    def exit_status(self, timeout=30):
        """make's exit status, which the pane's shell prints when make ends."""
        screen = self.wait_for(lambda t: EXIT_RE.search(t), timeout)
        return int(EXIT_RE.search(screen).group(1))

    def close(self):
        """End menuconfig first: killed with its terminal, it would spin on a dead tty."""
        try:
            if self.tmux("display", "-p", "-t", "mc", "#{pane_dead}").strip() != "1":
                os.killpg(self.pgid, signal.SIGKILL)
        except (subprocess.CalledProcessError, ProcessLookupError):
            pass
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)


@pytest.fixture
def screen_factory(tmp_path):
    screens = []

    def start(out):
        s = Screen(f"make O={out} menuconfig; echo {EXIT_MARK}$?", tmp_path)
        screens.append(s)
        s.wait_for("Toro unikernel configuration")
        s.wait_for("[S] Save")
        return s

    yield start
    for s in screens:
        s.close()


def down_to(s, label):
    """Arrow down from the first entry of the menu on screen to the entry `label`.

    Rows 0 and 1 are the menu path and the title; the entries start on row 2,
    and the cursor sits on the first one when a menu opens.
    """
    rows = s.text().splitlines()[2:]
    index = next((i for i, row in enumerate(rows) if label in row), None)
    assert index is not None, f"no entry {label!r} in this menu:\n" + "\n".join(rows)
    if index:
        s.keys(*["Down"] * index)


def jump_to(s, symbol):
    """`/` search for a symbol and jump to it, as the help line on screen says."""
    # The dialog's title; "[/] Jump to symbol" in the help bar is always there.
    dialog = "Jump to symbol/choice/menu/comment"
    s.keys("/")
    s.wait_for(dialog)
    s.type(symbol)
    s.wait_for(lambda t: f"{symbol}(=" in t and len([ln for ln in t.splitlines()
                                                        if "(=" in ln]) == 1)
    s.keys("Enter")
    s.wait_for(lambda t: dialog not in t)


def save_and_quit(s, out):
    s.keys("S")
    s.wait_for("Filename to save configuration to")
    s.keys("Enter")
    s.wait_for("Configuration saved to")
    s.keys("Enter")
    s.wait_for(lambda t: "Configuration saved to" not in t)
    s.keys("Q")  # nothing unsaved: quits at once
    assert s.exit_status() == 0, s.text()


def test_menuconfig_string_entry_then_build_and_boot(screen_factory):
    out = fresh_out("menuconfig-cmdline")
    make(f"O={out}", "microvm_defconfig")
    s = screen_factory(out)
    # Walk the menus with arrow keys to Boot path -> Built-in kernel command line.
    s.wait_for("Boot path  --->")
    down_to(s, "Boot path  --->")
    s.keys("Enter")
    s.wait_for("Built-in kernel command line")
    down_to(s, "Built-in kernel command line")
    s.keys("Enter")
    s.wait_for("Built-in kernel command line (string)")
    s.type("-- from-menuconfig exit=6")
    s.keys("Enter")
    s.wait_for("(-- from-menuconfig exit=6) Built-in kernel command line")
    save_and_quit(s, out)

    assert read_config(out / ".config")["CMDLINE"] == '"-- from-menuconfig exit=6"'
    make(f"O={out}", "-j2", "all")
    r = boot(out)
    assert 'argv[1] = "from-menuconfig"' in r.out, r.out
    assert r.exit_code == 6, r.out


@pytest.mark.skipif(not (ROOT / "apps" / "crash" / "main.c").exists(),
                    reason="apps/crash is not written yet (a colleague's work in progress)")
def test_menuconfig_choose_crash_app_then_build_and_boot(screen_factory):
    out = fresh_out("menuconfig-crash")
    make(f"O={out}", "microvm_defconfig")
    s = screen_factory(out)
    jump_to(s, "APP_CRASH")
    s.wait_for("( ) crash")  # inside the Application choice, hello still picked
    s.keys("Space")
    s.wait_for("Application (crash")
    save_and_quit(s, out)

    conf = read_config(out / ".config")
    assert conf.get("APP_CRASH") == "y" and "APP_HELLO" not in conf, conf
    make(f"O={out}", "-j2", "all")
    r = boot(out)
    assert "Hello from Toro" not in r.out, r.out
    assert "Kernel exception: page fault" in r.out, r.out
    assert r.exit_code not in (None, 0), f"the crash app must exit non-zero:\n{r.out}"
