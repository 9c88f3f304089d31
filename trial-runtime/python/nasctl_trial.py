"""nasctl trial client for Python: one file, standard library only, Python 3.8+.

Copy this file next to your trial script (or put its folder on PYTHONPATH)::

    import nasctl_trial as nt
    params = nt.get_next_parameters({"lr": 0.1})
    for epoch in range(10):
        nt.report_intermediate_result(acc)
    nt.report_final_result(acc)

Under nasctl it speaks the trial protocol (docs/protocol.md): JSON lines on the fd named by
NASCTL_CHANNEL_FD (local), or files in the directory NASCTL_CHANNEL_DIR (clusters: lines
appended to messages.jsonl, replies read from parameters/<k>.json), transparently. Outside nasctl, ``get_next_parameters`` returns the defaults once and reports
are printed to stdout as JSON lines, so the same script runs standalone. In reuse mode
(NASCTL_REUSE=1) loop ``while (p := get_next_parameters()) is not None``; each call after the
first tells the daemon the previous trial is done. ``get_trial_dir()`` gives the current
trial's own folder (created on first call). Writes are unbuffered: nothing to flush.
"""

import json
import math
import os
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
        fd = os.open(os.path.join(self.channel_dir, "messages.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)

    def _receive_file(self):
        path = os.path.join(self.channel_dir, "parameters", "%d.json" % self.replies)
        # Polling: network file systems report no remote writes. Every 0.2 ms for the first 20 ms
        # (a reuse worker's next trial usually arrives within a few milliseconds), then backing off to 0.1 s.
        delay = 0.0002
        deadline = time.monotonic() + 0.02
        while True:
            try:
                with open(path, "rb") as handle:
                    text = handle.read()
                break
            except FileNotFoundError:
                time.sleep(delay)
                if time.monotonic() > deadline:
                    delay = min(delay * 2, 0.1)
        self.replies += 1
        return _decode_reply(text, "reply %s" % path)

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
