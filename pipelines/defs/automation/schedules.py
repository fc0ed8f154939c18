"""Nightly full load, off until an analyst turns it on (UI or `dagster schedule start`)."""

import dagster as dg

from pipelines.defs.automation.jobs import load_job

nightly_load = dg.ScheduleDefinition(
    name="nightly_load",
    job=load_job,
    cron_schedule="0 1 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",  # 01:00 Vietnam time, whatever the server's zone
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Full load every night at 01:00 Vietnam time, so the marts reflect every file "
    "received during the day even when the raw-files sensor is off.",
)
