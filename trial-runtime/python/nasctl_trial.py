"""nasctl trial client for Python: one file, standard library only, Python 3.8+.

Copy this file next to your trial script (or put its folder on PYTHONPATH)::

    import nasctl_trial as nt
    params = nt.get_next_parameters({"lr": 0.1})
    for epoch in range(10):
        nt.report_intermediate_result(acc)
    nt.report_final_result(acc)

Under nasctl it speaks the trial protocol (docs/protocol.md): JSON lines on the fd named by
NASCTL_CHANNEL_FD (local), or files in the directory NASCTL_CHANNEL_DIR (clusters: lines
appended to messages.jsonl, replies read by offset from replies.jsonl), transparently. Outside nasctl, ``get_next_parameters`` returns the defaults once and reports
are printed to stdout as JSON lines, so the same script runs standalone. In reuse mode
(NASCTL_REUSE=1) loop ``while (p := get_next_parameters()) is not None``; each call after the
first tells the daemon the previous trial is done. ``get_trial_dir()`` gives the current
trial's own folder (created on first call). Writes are unbuffered: nothing to flush.
"""

import json
import math
import os
import select
import struct
import time

__all__ = [
    "get_next_parameters",
    "report_intermediate_result",
    "report_final_result",
    "get_trial_id",
    "get_trial_dir",
    "get_experiment_id",
    "is_under_nasctl",
    "send_log",
    "ChannelError",
    "STANDALONE_ID",
]

PROTOCOL_VERSION = 1
STANDALONE_ID = "STANDALONE"
MAX_LINE_BYTES = 1024 * 1024


class ChannelError(RuntimeError):
    """The channel to the daemon closed or carried something unreadable."""


class _Client:
    def __init__(self, env):
        fd_text = env.get("NASCTL_CHANNEL_FD", "")
        self.fd = int(fd_text) if fd_text != "" else None
        dir_text = env.get("NASCTL_CHANNEL_DIR", "")
        self.channel_dir = dir_text if self.fd is None and dir_text != "" else None
        self.replies = 0
        self.reuse = env.get("NASCTL_REUSE") == "1"
        self.env_trial_id = env.get("NASCTL_TRIAL_ID")
        self.experiment_id = env.get("NASCTL_EXPERIMENT_ID", STANDALONE_ID)
        self.current_trial_id = None if self.reuse else self.env_trial_id
        env_dir = env.get("NASCTL_TRIAL_DIR", "")
        self.current_trial_dir = None if self.reuse or env_dir == "" else env_dir
        self.requests = 0
        self.finished = False
        self.opened = False
        self.closed = False
        self.buffer = b""
        # File channel: bytes of replies.jsonl consumed, complete reply lines not yet taken, the
        # folder's inotify watch (None: not set up yet; False: unavailable, sleep instead).
        self.reply_offset = 0
        self.reply_lines = []
        self.new_layout = False
        self.waiter = None
        self.messages_fd = None

    # ---------------------------------------------------------------- channel

    def _under(self):
        return self.fd is not None or self.channel_dir is not None

    def _open(self):
        if not self.opened:
            self.opened = True
            if self.fd is not None:
                os.set_blocking(self.fd, True)
            self._send({"type": "hello", "protocol": PROTOCOL_VERSION, "sdk": "python", "pid": os.getpid()})

    def _send(self, message):
        if not self._under():
            print(json.dumps(message, separators=(",", ":")), flush=True)
            return
        if self.closed:
            raise ChannelError("nasctl channel is closed (no_more_trials was received)")
        data = (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")
        if self.channel_dir is None:
            _write_all(self.fd, data)
            return
        # One write per line with O_APPEND: the daemon never reads half a line as a message.
        if self.messages_fd is None:
            self.messages_fd = os.open(os.path.join(self.channel_dir, "messages.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _write_all(self.messages_fd, data)

    def _receive_file(self):
        # Network file systems report no other host's writes, so by default this polls: every
        # 0.2 ms for the first 20 ms (a reuse worker's next trial usually arrives within a few
        # milliseconds), then backing off to 0.1 s; where inotify works (Linux) each wait also ends
        # as soon as the folder changes. Once a notification of the daemon's append to
        # replies.jsonl has brought a reply, the notifications are trusted: waits end on them, with
        # a look every 0.1 s as a safety net, and the fast polling (which took CPU from the daemon
        # on the same node) stops. A reply that only a look finds withdraws that trust.
        if self.waiter is None:
            self.waiter = _FolderWaiter.create(self.channel_dir)
        delay = 0.1 if self.waiter and self.waiter.trusted else 0.0002
        deadline = time.monotonic() + 0.02
        waited = False
        notified = False
        while True:
            text = self._next_reply()
            if text is not None:
                break
            waited = True
            if self.waiter:
                notified = self.waiter.wait(delay)
            else:
                time.sleep(delay)
            if time.monotonic() > deadline:
                delay = min(delay * 2, 0.1)
        if waited and self.waiter:
            self.waiter.trusted = notified
        self.replies += 1
        return _decode_reply(text, "reply %d in %s" % (self.replies - 1, self.channel_dir))

    def _next_reply(self):
        """The next reply's bytes, or None when it is not there yet: the next complete line of
        replies.jsonl (reopened at each look: NFS shows other hosts' appends on open), or
        parameters/<k>.json from a daemon of the earlier layout."""
        if not self.reply_lines:
            data = b""
            try:
                fd = os.open(os.path.join(self.channel_dir, "replies.jsonl"), os.O_RDONLY)
            except FileNotFoundError:
                fd = None
            if fd is not None:
                try:
                    self.new_layout = True
                    size = os.fstat(fd).st_size
                    while size > self.reply_offset + len(data):
                        chunk = os.pread(fd, size - self.reply_offset - len(data), self.reply_offset + len(data))
                        if not chunk:
                            break
                        data += chunk
                finally:
                    os.close(fd)
            end = data.rfind(b"\n") + 1
            if end > 0:
                self.reply_offset += end
                self.reply_lines = [line for line in data[:end].split(b"\n") if line]
        if self.reply_lines:
            return self.reply_lines.pop(0)
        if self.new_layout:
            return None
        try:
            with open(os.path.join(self.channel_dir, "parameters", "%d.json" % self.replies), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def _receive(self):
        if self.channel_dir is not None:
            return self._receive_file()
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line = self.buffer[:newline]
                self.buffer = self.buffer[newline + 1:]
                return _decode_reply(line, "message")
            if len(self.buffer) > MAX_LINE_BYTES:
                raise ChannelError("message from the daemon longer than %d bytes" % MAX_LINE_BYTES)
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise ChannelError("nasctl channel closed by the daemon (the trial was stopped or the daemon exited)")
            self.buffer += chunk

    def _close(self):
        if not self.closed:
            self.closed = True
            if self.waiter:
                os.close(self.waiter.fd)
                self.waiter = False
            if self.messages_fd is not None:
                os.close(self.messages_fd)
                self.messages_fd = None
            if self.fd is None:
                return
            try:
                os.close(self.fd)
            except OSError:
                pass

    # ---------------------------------------------------------------- API

    def get_next_parameters(self, defaults=None):
        self.requests += 1
        if self.finished:
            return None
        if not self._under():
            if self.requests > 1:
                self.finished = True
                return None
            return dict(defaults) if defaults is not None else {}
        if not self.reuse and self.requests > 1:
            self.finished = True
            return None
        self._open()
        self._send({"type": "request_parameters"})
        reply = self._receive()
        if reply["type"] == "no_more_trials":
            self.current_trial_id = None
            self.current_trial_dir = None
            self.finished = True
            self._close()
            return None
        self.current_trial_id = reply["trialId"]
        self.current_trial_dir = reply["trialDir"]
        return reply["parameters"]

    def report(self, kind, value):
        value = _check_metric(value)
        if self._under() and self.current_trial_id is None:
            raise RuntimeError("report before get_next_parameters(): in reuse mode the trial id comes with the parameters")
        if self._under():
            self._open()
        self._send({"type": "metric", "trialId": self.trial_id(), "kind": kind, "value": value})

    def log(self, level, message):
        payload = {"type": "log", "level": level, "message": str(message)}
        if self.current_trial_id is not None:
            payload["trialId"] = self.current_trial_id
        if self._under():
            self._open()
        self._send(payload)

    def trial_dir(self):
        if not self._under():
            return os.getcwd()
        if self.current_trial_dir is None:
            raise RuntimeError("get_trial_dir() before get_next_parameters(): in reuse mode the trial folder comes with the parameters")
        os.makedirs(self.current_trial_dir, exist_ok=True)
        return self.current_trial_dir

    def trial_id(self):
        if self.current_trial_id is not None:
            return self.current_trial_id
        return self.env_trial_id if self.env_trial_id is not None else STANDALONE_ID


class _FolderWaiter:
    """Waits until a folder changes or a timeout passes, with inotify through ctypes (Linux)."""

    # IN_MODIFY | IN_MOVED_TO | IN_CREATE
    _MASK = 0x00000002 | 0x00000080 | 0x00000100

    def __init__(self, fd):
        self.fd = fd
        # Whether the notifications have been seen to report the daemon's appends to replies.jsonl.
        self.trusted = False

    @classmethod
    def create(cls, folder):
        """A waiter for ``folder``, or False where inotify is not available (then sleep)."""
        try:
            import ctypes
            import ctypes.util

            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if fd < 0:
                return False
            if libc.inotify_add_watch(fd, os.fsencode(folder), cls._MASK) < 0:
                os.close(fd)
                return False
            return cls(fd)
        except (OSError, AttributeError, ImportError):
            return False

    # Files of the folder whose changes bring no reply: the trial's own messages, the daemon's bookkeeping.
    _IGNORED = (b"messages.jsonl", b"messages.offset", b"trials.jsonl")

    def wait(self, timeout):
        """Returns when something other than the ignored files changed in the folder, or after
        ``timeout`` seconds: True when the change was (among others) to replies.jsonl."""
        end = time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                return False
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                data = b""
            pos = 0
            news = False
            replies = False
            while pos + 16 <= len(data):
                length = struct.unpack_from("iIII", data, pos)[3]
                name = data[pos + 16:pos + 16 + length].rstrip(b"\0")
                pos += 16 + length
                if name not in self._IGNORED:
                    news = True
                    replies = replies or name == b"replies.jsonl"
            if news:
                return replies
            if time.monotonic() >= end:
                return False


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _decode_reply(data, what):
    """One daemon -> trial message from its bytes; ChannelError when it is not one."""
    try:
        message = json.loads(data.decode("utf-8"))
    except ValueError as error:
        raise ChannelError("unreadable %s from the daemon: %s" % (what, error))
    if not isinstance(message, dict) or message.get("type") not in ("parameters", "no_more_trials"):
        raise ChannelError("unexpected %s from the daemon: %r" % (what, data[:200]))
    return message


def _check_metric(value):
    if isinstance(value, bool):
        raise TypeError("metric value must be a number, not a bool")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("metric value %r is not finite (JSON cannot carry NaN/Infinity)" % value)
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
        return _check_metric(value.item())
    if isinstance(value, dict):
        if "default" not in value:
            raise TypeError('a dict metric needs a numeric "default" key')
        return {str(key): _check_metric(item) for key, item in value.items()}
    raise TypeError("metric value must be a number or a dict with a numeric 'default' key, got %r" % (value,))


_client = None


def _get_client():
    global _client
    if _client is None:
        _client = _Client(os.environ)
    return _client


def get_next_parameters(defaults=None):
    """Parameters of the next trial, or None when there is none (always after the first call
    outside reuse mode; on no_more_trials in reuse mode). Standalone: ``defaults`` (or {}) once."""
    return _get_client().get_next_parameters(defaults)


def report_intermediate_result(value):
    """Report an intermediate metric (a number, or a dict with a numeric 'default' key)."""
    _get_client().report("intermediate", value)


def report_final_result(value):
    """Report the final metric of the current trial."""
    _get_client().report("final", value)


def send_log(message, level="info"):
    """Send a log line to the daemon ('debug', 'info', 'warning' or 'error')."""
    _get_client().log(level, message)


def get_trial_id():
    """Current trial id ('STANDALONE' outside nasctl)."""
    return _get_client().trial_id()


def get_trial_dir():
    """The current trial's own folder, created if missing (in reuse mode nasctl names each
    trial's folder but does not create it); the working directory outside nasctl."""
    return _get_client().trial_dir()


def get_experiment_id():
    """Experiment id ('STANDALONE' outside nasctl)."""
    return _get_client().experiment_id


def is_under_nasctl():
    """True when launched by nasctl."""
    return _get_client()._under()
