"""Heartbeat files for apps supervised by watchdog, from Python.

One file, standard library only, Python 3.9 or later: copy it into your app. It is a
drop-in for the Python Watchdog's ``HeartbeatWriter`` (same constructor, ``beat()``,
``stop()``, ``heartbeat_path`` and ``iteration_count``, same file format) that also
records who wrote each beat (``pid_start_ticks`` and ``boot_id``), so the watchdog can
tell the app from an unrelated process that later reuses its PID::

    from watchdog_heartbeat import HeartbeatWriter

    writer = HeartbeatWriter(heartbeat_dir="/run/my_app", process_key="my_app")
    while True:
        do_work()          # the real work: a hung loop stops the beats
        writer.beat()      # or writer.beat("error") when the app knows it is broken
    # on a clean shutdown: writer.stop()

There is no background thread, as in the Python Watchdog's writer: beat from the loop
that does the work, so a hung loop stops the beats and the watchdog notices.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Optional, Union

__all__ = ["HeartbeatWriter"]
__version__ = "1.0.0"

#: The mode of every heartbeat file, set with fchmod whatever the umask, so a watchdog
#: running as another user can read it (the Python Watchdog's mkstemp left it 0600).
FILE_MODE = 0o644
#: The mode of the folders this writer creates; existing folders keep theirs.
DIR_MODE = 0o755

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_STATE = re.compile(r"^[A-Za-z]$")


def parse_start_ticks(stat_text: str) -> Optional[int]:
    """Field 22 (``starttime``, clock ticks since boot) of a ``/proc/PID/stat`` line.

    The command name (field 2) is in parentheses and may hold spaces and ``)``; nothing
    after it can, so the fields are split after the last ``)``. ``None`` when the text is
    not such a line.
    """
    head, close, rest = stat_text.rpartition(")")
    if not close or not re.match(r"^\d+ \(", head):
        return None
    fields = rest.split()
    if len(fields) < 20 or not _STATE.match(fields[0]) or not fields[19].isdigit():
        return None
    return int(fields[19])


def _read_text(path: str) -> Optional[str]:
    try:
        with open(path, encoding="ascii") as file:
            return file.read()
    except (OSError, ValueError):
        # No procfs (not Linux, a sandbox), unreadable, not text: the key is left out.
        return None


def read_process_identity(proc_root: str = "/proc") -> Dict[str, Union[int, str]]:
    """This process's ``pid_start_ticks`` and ``boot_id``, each left out when unreadable."""
    identity: Dict[str, Union[int, str]] = {}
    stat_text = _read_text(os.path.join(proc_root, "self", "stat"))
    start_ticks = None if stat_text is None else parse_start_ticks(stat_text)
    if start_ticks is not None:
        identity["pid_start_ticks"] = start_ticks
    boot_id = _read_text(os.path.join(proc_root, "sys", "kernel", "random", "boot_id"))
    if boot_id is not None and _UUID.match(boot_id.strip()):
        identity["boot_id"] = boot_id.strip()
    return identity


def _make_dir(path: str) -> None:
    """Creates ``path`` and missing parents, each created one with mode DIR_MODE (not the umask's)."""
    missing = []
    current = path
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)


def _check_plain_name(name: str, what: str) -> str:
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(
            "%s must be a plain file name (not empty, not '.' or '..', no path separator), got %r" % (what, name)
        )
    return name


class HeartbeatWriter:
    """Writes the heartbeat file the watchdog reads to decide whether an app is alive.

    Each :meth:`beat` replaces the file atomically with a fresh timestamp and the next
    iteration; :meth:`stop` removes it on a clean shutdown. Safe to share between threads.

    :param heartbeat_dir: the folder of the heartbeat file (a ``str`` or a path), made
        absolute now and created, with missing parents, by the first beat.
    :param process_key: the app's key in the watchdog's config (``processes.<key>``).
    :param heartbeat_filename: the file name in ``heartbeat_dir``; ``None`` (or ``""``,
        as before) means ``"<process_key>.json"``.
    :raises TypeError: when ``process_key`` is not a string.
    :raises ValueError: when ``process_key`` or ``heartbeat_dir`` is empty, or the file
        name is not a plain name.
    """

    def __init__(
        self,
        heartbeat_dir: Union[str, "os.PathLike[str]"],
        process_key: str,
        heartbeat_filename: Optional[str] = None,
    ) -> None:
        if not isinstance(process_key, str):
            raise TypeError("process_key must be a string, got %s" % type(process_key).__name__)
        if process_key == "":
            raise ValueError("process_key must not be empty")
        folder = os.fspath(heartbeat_dir)
        if not isinstance(folder, str) or folder == "":
            raise ValueError("heartbeat_dir must be a non-empty path, got %r" % (heartbeat_dir,))
        if heartbeat_filename:
            filename = _check_plain_name(heartbeat_filename, "heartbeat_filename")
        else:
            filename = _check_plain_name("%s.json" % process_key, "the default file name '<process_key>.json'")
        self._process_key = process_key
        # Absolute now: a later os.chdir() must not move the heartbeat.
        self._dir = os.path.abspath(folder)
        self._filename = filename
        self._path = os.path.join(self._dir, filename)
        self._iteration = 0
        self._dir_ready = False
        self._identity: Optional[Dict[str, Union[int, str]]] = None
        self._identity_pid = 0
        self._lock = threading.Lock()

    @property
    def heartbeat_path(self) -> Path:
        """The absolute path of the heartbeat file."""
        return Path(self._path)

    @property
    def process_key(self) -> str:
        """The key written as ``process_key``."""
        return self._process_key

    @property
    def iteration_count(self) -> int:
        """Beats written so far: the ``iteration`` of the last one (a failed beat does not count)."""
        return self._iteration

    def beat(self, status: str = "running") -> None:
        """Writes the next heartbeat, atomically.

        :param status: ``"running"`` when healthy; any other (``"error"``) makes the
            watchdog report ``error_status`` unless the process's ``healthy_statuses``
            lists it.
        :raises OSError: when the file cannot be written (nothing is left behind; the
            app may log it and carry on: a missed beat is what the watchdog detects).
        """
        if not isinstance(status, str):
            raise TypeError("status must be a string, got %s" % type(status).__name__)
        if status == "":
            raise ValueError("status must not be empty")
        with self._lock:
            pid = os.getpid()
            # Read once per process: a child forked after the first beat is another process.
            if self._identity is None or self._identity_pid != pid:
                self._identity = read_process_identity()
                self._identity_pid = pid
            record: Dict[str, Union[int, str]] = {
                "process_key": self._process_key,
                "pid": pid,
                # Six fractional digits always: the length stays fixed, and every
                # fromisoformat (3.7+) reads it; "+00:00", never "Z" (rejected before 3.11).
                "timestamp": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
                "status": status,
                "iteration": self._iteration + 1,
            }
            record.update(self._identity)
            # json.dumps' defaults: ", " and ": ", non-ASCII as \\uXXXX (the file is ASCII).
            self._write(json.dumps(record).encode("ascii"))
            self._iteration += 1

    def stop(self) -> None:
        """Removes the heartbeat file (clean shutdown); a missing file is fine."""
        with self._lock:
            try:
                os.unlink(self._path)
            except FileNotFoundError:
                pass

    def _write(self, data: bytes) -> None:
        if not self._dir_ready:
            _make_dir(self._dir)
            self._dir_ready = True
        try:
            self._replace(data)
        except FileNotFoundError:
            # The folder vanished since (a cleaned /tmp, a remounted tmpfs): again, once.
            _make_dir(self._dir)
            self._replace(data)

    def _replace(self, data: bytes) -> None:
        # An unpredictable name, created exclusively and never through a link: nothing
        # already at that name is followed or reused.
        temporary = os.path.join(
            self._dir, ".%s.%d.%s.tmp" % (self._filename, os.getpid(), secrets.token_hex(8))
        )
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(temporary, flags, FILE_MODE)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fchmod(fd, FILE_MODE)
            finally:
                os.close(fd)
            # No fsync, on purpose: beats come every few seconds, often on SD cards that
            # a flush per beat wears out, and a beat lost in a power cut is stale anyway.
            os.replace(temporary, self._path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
