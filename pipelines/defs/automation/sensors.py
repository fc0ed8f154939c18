"""Start a full load when files under `<data_dir>/raw/` are added, changed or removed.

Cursor (compact JSON): `{"v": 1, "n": <runs requested so far>, "f": {<path>: [size, mtime_ns,
sha256]}}`, paths relative to `raw/`. It is rewritten on every tick, skips included, so touched
files are not re-hashed on the next tick.
"""

import json

import dagster as dg

from pipelines.defs.automation.jobs import load_job
from pipelines.defs.resources import DataDirResource
from pipelines.raw_files import Changes, State, scan, state_digest

CURSOR_VERSION = 1
TRIGGER_TAG = "plan389/trigger"


def read_cursor(cursor: str | None) -> tuple[State | None, int]:
    """(previous state, runs requested); `None` state on the first tick or an unreadable cursor."""
    try:
        data = json.loads(cursor) if cursor else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("v") != CURSOR_VERSION:
        return None, 0
    return data["f"], int(data["n"])


def write_cursor(state: State, runs: int) -> str:
    return json.dumps({"v": CURSOR_VERSION, "n": runs, "f": state}, separators=(",", ":"))


def run_request(state: State, changes: Changes, runs: int) -> dg.RunRequest:
    digest = state_digest(state)
    return dg.RunRequest(
        # The digest names the inputs; the run counter keeps the key new when the folder returns
        # to an earlier state (file removed, then put back), which Dagster would otherwise skip.
        run_key=f"{digest}-{runs}",
        tags={
            TRIGGER_TAG: "raw_files",
            "plan389/raw_state": digest[:16],
            "plan389/raw_changes": changes.summary(),
        },
    )


@dg.sensor(
    job=load_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Every 30 s, look for new, changed (by content) or removed files under "
    "<data_dir>/raw/ and start a full load when there are any. Touching a file or copying it "
    "back unchanged does not start a run.",
)
def raw_files_sensor(
    context: dg.SensorEvaluationContext, data_dir: DataDirResource
) -> dg.SensorResult:
    raw = data_dir.paths.root / "raw"
    previous, runs = read_cursor(context.cursor)
    state, changes = scan(raw, previous)
    if not changes.any:
        return dg.SensorResult(
            skip_reason=dg.SkipReason(f"no new, changed or removed files under {raw}"),
            cursor=write_cursor(state, runs),
        )
    context.log.info(f"raw files: {changes.summary()}")
    return dg.SensorResult(
        run_requests=[run_request(state, changes, runs + 1)],
        cursor=write_cursor(state, runs + 1),
    )
