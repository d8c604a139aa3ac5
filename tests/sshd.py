"""A real OpenSSH server on 127.0.0.1 for deploy tests and the deploy benchmark.

Its own host key, config, authorised key and pid file in a folder of its
own; it logs in the current user (root in CI) with a throwaway ed25519 key.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")


@dataclass(frozen=True)
class LocalSSH:
    port: int
    key: Path  # the user's private key
    known_hosts: Path
    user: str

    def settings(self) -> dict:
        """HOTLINE deploy settings that reach this server."""
        return {"DEPLOY_SSH_KEY": str(self.key), "DEPLOY_SSH_PORT": self.port,
                "DEPLOY_SSH_OPTIONS": [f"UserKnownHostsFile={self.known_hosts}", "GlobalKnownHostsFile=/dev/null"]}

    def target(self, path: Path) -> str:
        return f"{self.user}@127.0.0.1:{path}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path: Path) -> None:
    """A new key pair at `path` (and .pub), replacing any there."""
    path.unlink(missing_ok=True)
    path.with_suffix(".pub").unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hotline-test", "-f", str(path)], check=True,
                   stdin=subprocess.DEVNULL)


@contextlib.contextmanager
def local_sshd(folder: Path) -> Iterator[LocalSSH]:
    """Run sshd -D on a free port of 127.0.0.1 until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    host_key, user_key = folder / "host_ed25519", folder / "user_ed25519"
    _keygen(host_key)
    _keygen(user_key)
    (folder / "authorized_keys").write_bytes(user_key.with_suffix(".pub").read_bytes())
    port = free_port()
    (folder / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key.with_suffix('.pub').read_text()}")
    config = folder / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {host_key}", f"PidFile {folder / 'sshd.pid'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}", "StrictModes no", "PubkeyAuthentication yes",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "PermitRootLogin yes",
        "LogLevel ERROR", "",
    ]))
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL,
                               stderr=open(folder / "sshd.log", "wb"))
    try:
        _wait_for(port, process, folder)
        yield LocalSSH(port, user_key, folder / "known_hosts", _user())
    finally:
        process.terminate()
        process.wait(timeout=10)


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def _wait_for(port: int, process: subprocess.Popen, folder: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd stopped: {(folder / 'sshd.log').read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError("sshd did not start listening")
