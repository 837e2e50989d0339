"""What the bench scripts (run-e2e, run-redirect) share: a Release build, free ports, a
process's CPU time, waiting for a condition. Python 3 standard library only."""

import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def logger(tag):
    """A log function that prints '[tag HH:MM:SS] msg' to stderr."""
    def log(msg):
        print(f"[{tag} {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
    return log


def release_build(build_dir, targets, env_override, log):
    """The build dir named by the environment variable `env_override` if set (used as is), else
    `build_dir` configured as Release without tests and `targets` built in it."""
    if os.environ.get(env_override):
        return os.environ[env_override]
    log(f"building Release in {build_dir}")
    subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                    "-DCONFAB_TESTS=OFF"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", *targets],
                   check=True, stdout=subprocess.DEVNULL)
    return build_dir


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def cpu_seconds(pid):
    """user+sys CPU seconds of a live process (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")
