"""Live progress of `plan389 run`: which step runs, how long each took, what it read.

Dagster events are turned into small `ProgressEvent`s, folded into a `RunProgress` (one
`StepProgress` per step), and shown by `ProgressDisplay`: a status block redrawn in place on a
terminal, or one plain line per event worth reporting otherwise (cron, CI, a pipe).
`follow_run` polls the instance's event log for a run from a background thread.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    import dagster as dg
    from dagster._core.events.log import EventLogEntry

EventKind = Literal["start", "materialized", "check", "success", "failure", "skipped", "log"]
StepKind = Literal["python", "dbt", "check"]
Status = Literal["waiting", "running", "done", "failed", "skipped"]

FILE_KEYS = ("files_read", "files_skipped", "files_rejected")
POLL_SECONDS = 0.2
LABEL_WIDTH = 30  # longer step names are shortened in the live block


@dataclass(frozen=True)
class ProgressEvent:
    """What the display needs from one Dagster event."""

    kind: EventKind
    step: str | None
    timestamp: float
    numbers: Mapping[str, int] = field(default_factory=dict)  # row count, files_*, marts
    passed: bool = True
    blocking_error: bool = False  # a failed check of severity ERROR
    duration: float | None = None  # seconds, on success
    message: str | None = None  # failure reason or log text
    detail: str | None = None  # full traceback of a failure
    level: int = logging.INFO


@dataclass
class StepProgress:
    """The state of one step, as shown on its status line."""

    key: str
    kind: StepKind = "python"
    status: Status = "waiting"
    started_at: float | None = None
    duration: float | None = None
    assets: int = 0
    rows: int | None = None
    marts: int | None = None
    files: dict[str, int] = field(default_factory=dict)
    checks: int = 0
    checks_failed: int = 0
    checks_warned: int = 0
    error: str | None = None

    @property
    def label(self) -> str:
        return self.short_label(None)

    def short_label(self, width: int | None) -> str:
        """`key (kind)`, the key shortened with … so the whole fits in `width`."""
        suffix = "" if self.kind == "python" else f" ({self.kind})"
        key = self.key
        if width is not None and len(key) + len(suffix) > width:
            key = key[: max(1, width - len(suffix) - 1)] + "…"
        return key + suffix


# --- formatting (pure) ---------------------------------------------------------------------


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else many or singular + 's'}"


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m {rest:02d}s"


def _checks_text(step: StepProgress, noun: str) -> str | None:
    if not step.checks:
        return None
    text = plural(step.checks, noun)
    if step.checks_failed:
        text += f", {step.checks_failed:,} FAILED"
    if step.checks_warned:
        text += f", {step.checks_warned:,} warned"
    return text


def _outputs_text(step: StepProgress) -> str | None:
    if step.kind == "dbt":
        return f"{plural(step.assets, 'model')} built"
    if step.marts is not None:
        return plural(step.marts, "mart")
    if step.rows is not None:
        return f"{plural(step.assets, 'table')}, {plural(step.rows, 'row')}"
    return plural(step.assets, "asset") if step.assets else None


def _files_text(step: StepProgress) -> str | None:
    parts = [f"{step.files[k]:,} {k.removeprefix('files_')}" for k in FILE_KEYS if k in step.files]
    return "files: " + ", ".join(parts) if parts else None


def step_summary(step: StepProgress, files: bool = True) -> str:
    """What a step produced so far: `10 tables, 1,234 rows · files: 3 read, 20 skipped`."""
    noun = "test" if step.kind == "dbt" else "check"
    parts = [_outputs_text(step), _files_text(step) if files else None, _checks_text(step, noun)]
    return " · ".join(p for p in parts if p)


def format_event_line(step: StepProgress, event: ProgressEvent) -> str | None:
    """The plain line for an event after it was applied to `step`, or None if not worth one."""
    if event.kind == "start":
        return f"{step.label}: started"
    if event.kind == "success":
        summary = step_summary(step)
        took = format_duration(step.duration or 0.0)
        return f"{step.label}: done in {took}" + (f" · {summary}" if summary else "")
    if event.kind == "failure":
        took = f" after {format_duration(step.duration)}" if step.duration is not None else ""
        return f"{step.label}: FAILED{took}: {step.error}"
    if event.kind == "skipped":
        return f"{step.label}: skipped (an upstream step failed)"
    if event.kind == "check" and event.blocking_error:
        return f"{step.label}: check FAILED: {event.message}"
    return None


_SYMBOLS = {"waiting": "·", "done": "✔", "failed": "✘", "skipped": "-"}
_ASCII_SYMBOLS = {"waiting": ".", "done": "+", "failed": "x", "skipped": "-"}
_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def format_status_line(step: StepProgress, now: float, width: int, unicode: bool = True) -> str:
    """One line of the live block: symbol, label, elapsed or final time, what it did so far."""
    if step.status == "running":
        frames = _SPINNER if unicode else "|/-\\"
        symbol = frames[int(now / POLL_SECONDS) % len(frames)]
    else:
        symbol = (_SYMBOLS if unicode else _ASCII_SYMBOLS)[step.status]
    if step.status == "running" and step.started_at is not None:
        took = format_duration(max(0.0, now - step.started_at))
    else:
        took = format_duration(step.duration) if step.duration is not None else ""
    if step.status == "waiting":
        what = "waiting"
    elif step.status == "failed":
        what = f"FAILED: {step.error}"
    elif step.status == "skipped":
        what = "skipped"
    else:
        what = step_summary(step, files=False)  # files get their own line: never cut off
    return f"  {symbol} {step.short_label(width):<{width}} {took:>7}  {what}".rstrip()


def format_block(
    steps: Iterable[StepProgress], started_at: float, now: float, unicode: bool = True
) -> list[str]:
    """The live status block: a header with the elapsed time, then one line per step."""
    steps = list(steps)
    width = min(LABEL_WIDTH, max((len(s.label) for s in steps), default=0))
    lines = [f"plan389 run · {format_duration(max(0.0, now - started_at))}"]
    for step in steps:
        lines.append(format_status_line(step, now, width, unicode))
        if files := _files_text(step):
            lines.append(" " * (width + 14) + files)  # under the summary column
    return lines


# --- state -----------------------------------------------------------------------------------


class RunProgress:
    """Steps in execution order, updated event by event."""

    def __init__(self, step_kinds: Mapping[str, StepKind] | None = None) -> None:
        self.steps: dict[str, StepProgress] = {
            key: StepProgress(key, kind) for key, kind in (step_kinds or {}).items()
        }

    def step(self, key: str) -> StepProgress:
        if key not in self.steps:  # a step we were not told about: show it anyway
            self.steps[key] = StepProgress(key)
        return self.steps[key]

    def apply(self, event: ProgressEvent) -> str | None:
        """Fold one event into its step; return the plain line to report, if any."""
        if event.step is None or event.kind == "log":
            return None
        step = self.step(event.step)
        _APPLY[event.kind](step, event)
        return format_event_line(step, event)


def _on_start(step: StepProgress, event: ProgressEvent) -> None:
    step.status, step.started_at = "running", event.timestamp


def _on_materialized(step: StepProgress, event: ProgressEvent) -> None:
    step.assets += 1
    numbers = event.numbers
    if "rows" in numbers:
        step.rows = (step.rows or 0) + numbers["rows"]
    if "marts" in numbers:
        step.marts = numbers["marts"]
    # Several tables of one step may repeat the same file counts: keep one value, not a sum.
    for key in FILE_KEYS:
        if key in numbers:
            step.files[key] = max(step.files.get(key, 0), numbers[key])


def _on_check(step: StepProgress, event: ProgressEvent) -> None:
    step.checks += 1
    if not event.passed:
        if event.blocking_error:
            step.checks_failed += 1
        else:
            step.checks_warned += 1


def _on_success(step: StepProgress, event: ProgressEvent) -> None:
    step.status, step.duration = "done", event.duration


def _on_failure(step: StepProgress, event: ProgressEvent) -> None:
    step.status, step.error = "failed", event.message
    if step.started_at is not None:
        step.duration = max(0.0, event.timestamp - step.started_at)


def _on_skipped(step: StepProgress, event: ProgressEvent) -> None:
    step.status = "skipped"


_APPLY: dict[str, Callable[[StepProgress, ProgressEvent], None]] = {
    "start": _on_start,
    "materialized": _on_materialized,
    "check": _on_check,
    "success": _on_success,
    "failure": _on_failure,
    "skipped": _on_skipped,
}


# --- Dagster events → progress events -------------------------------------------------------


def _metadata_numbers(metadata: Mapping[str, object]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    raw = {key: getattr(value, "value", value) for key, value in metadata.items()}
    if isinstance(raw.get("dagster/row_count"), int):
        numbers["rows"] = raw["dagster/row_count"]
    if isinstance(raw.get("marts"), dict):  # published_marts: {mart: rows}
        numbers["marts"] = len(raw["marts"])
    numbers.update({k: raw[k] for k in FILE_KEYS if isinstance(raw.get(k), int)})
    return numbers


def _root_message(error: object) -> str:
    """The innermost cause's first line: `ValueError: boom`, not Dagster's wrapper."""
    while getattr(error, "cause", None) is not None:
        error = error.cause  # type: ignore[attr-defined]
    message = getattr(error, "message", "") or ""
    return message.strip().splitlines()[0] if message.strip() else "unknown error"


def is_interrupt(failure: object) -> bool:
    """Whether a step failure (StepFailureData) is Dagster's answer to Ctrl-C / SIGTERM."""
    return getattr(getattr(failure, "error_source", None), "value", None) == "INTERRUPT"


def event_from_entry(entry: EventLogEntry) -> ProgressEvent | None:
    """Translate one event log entry; None for the many events the display ignores."""
    base = {"step": entry.step_key, "timestamp": entry.timestamp, "level": entry.level}
    event = entry.dagster_event
    if event is None:
        return ProgressEvent("log", message=entry.user_message, **base)
    data = event.event_specific_data
    kind = event.event_type_value
    if kind == "STEP_START":
        return ProgressEvent("start", **base)
    if kind == "STEP_SUCCESS":
        return ProgressEvent("success", duration=data.duration_ms / 1000, **base)
    if kind == "STEP_FAILURE":
        if is_interrupt(data):  # Ctrl-C: no traceback, it is not a bug
            return ProgressEvent("failure", message="interrupted", **base)
        return ProgressEvent(
            "failure", message=_root_message(data.error), detail=data.error.to_string(), **base
        )
    if kind == "STEP_SKIPPED":
        return ProgressEvent("skipped", **base)
    if kind == "ASSET_MATERIALIZATION":
        numbers = _metadata_numbers(data.materialization.metadata)
        return ProgressEvent("materialized", numbers=numbers, **base)
    if kind == "ASSET_CHECK_EVALUATION":
        blocking = not data.passed and data.severity.value == "ERROR"
        return ProgressEvent(
            "check",
            passed=data.passed,
            blocking_error=blocking,
            message=data.asset_check_key.to_user_string(),
            **base,
        )
    return None


# --- display ----------------------------------------------------------------------------------

_HIDE_CURSOR, _SHOW_CURSOR, _ERASE_DOWN = "\x1b[?25l", "\x1b[?25h", "\x1b[J"


class ProgressDisplay:
    """Shows a run's progress: redrawn in place when `live`, else as plain lines via `echo`."""

    def __init__(
        self,
        progress: RunProgress,
        live: bool,
        echo: Callable[[str], None] = print,
        stream: TextIO | None = None,
        log_level: int = logging.WARNING,
    ) -> None:
        self.progress = progress
        self.live = live
        self.echo = echo
        self.stream = stream or sys.stdout
        self.log_level = log_level
        self.started_at = time.time()
        self._drawn = 0  # lines of the block currently on screen
        encoding = getattr(self.stream, "encoding", None) or "ascii"
        self._unicode = _can_encode("✔⠋·✘", encoding)

    def handle(self, events: Iterable[ProgressEvent]) -> None:
        """Apply new events; print plain lines, or messages above the live block."""
        above: list[str] = []
        for event in events:
            line = self.progress.apply(event)
            if not self.live:
                if line is not None:
                    self.echo(line)
                continue
            above.extend(self._messages_above(event))
        if self.live:
            self._draw(above)

    def refresh(self) -> None:
        """Redraw the block (elapsed times move even without events)."""
        if self.live:
            self._draw([])

    def close(self) -> None:
        """Leave the final block on screen and give the cursor back."""
        if self.live:
            self._draw([], final=True)

    def _messages_above(self, event: ProgressEvent) -> list[str]:
        # The console logger is quiet in live mode (it would tear the block): show its warnings
        # and failure tracebacks here instead, above the block.
        if event.kind == "failure" and event.detail:
            return [f"{event.step}: {event.detail}".rstrip()]
        if event.kind == "log" and event.level >= self.log_level and event.message:
            name = logging.getLevelName(event.level).lower()
            where = f" {event.step}" if event.step else ""
            return [f"{name}{where}: {event.message}"]
        return []

    def _draw(self, above: list[str], final: bool = False) -> None:
        now = time.time()
        columns = shutil.get_terminal_size((100, 24)).columns
        # Truncate so no line wraps: the redraw moves up exactly as many lines as it drew.
        block = [
            line[: columns - 1]
            for line in format_block(
                self.progress.steps.values(), self.started_at, now, self._unicode
            )
        ]
        out = [f"\x1b[{self._drawn}F{_ERASE_DOWN}" if self._drawn else _HIDE_CURSOR]
        out.extend(line + "\n" for line in above)
        out.extend(line + "\n" for line in block)
        if final:
            out.append(_SHOW_CURSOR)
        self.stream.write("".join(out))
        self.stream.flush()
        self._drawn = len(block)


def draws_live(echo: Callable[[str], None], stream: TextIO) -> bool:
    """Redraw in place only when printing to a terminal; a custom echo collects plain lines."""
    return echo is print and stream.isatty()


def _can_encode(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


# --- following a run ------------------------------------------------------------------------


@contextmanager
def follow_run(
    instance: dg.DagsterInstance, run_id: str, display: ProgressDisplay
) -> Iterator[None]:
    """Poll the run's event log in a background thread while the body executes the run.

    The run itself stays on the main thread, where Dagster installs its SIGINT handling (so
    Ctrl-C interrupts the step and dbt cleanly) and where its exceptions propagate.
    """
    done = threading.Event()

    def poll() -> None:
        cursor: str | None = None
        while True:
            finished = done.is_set()  # read before polling: the last poll sees every event
            cursor = _poll_once(instance, run_id, cursor, display)
            if finished:
                return
            display.refresh()
            done.wait(POLL_SECONDS)

    thread = threading.Thread(target=poll, name="plan389-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=10)
        display.close()


def _poll_once(
    instance: dg.DagsterInstance, run_id: str, cursor: str | None, display: ProgressDisplay
) -> str | None:
    while True:
        connection = instance.get_records_for_run(run_id, cursor=cursor, limit=1000)
        entries = [record.event_log_entry for record in connection.records]
        display.handle(e for e in map(event_from_entry, entries) if e is not None)
        cursor = connection.cursor
        if not connection.has_more:
            return cursor
