"""The weekly đôn đốc mail: Monday 07:00 Vietnam time, each agency its list and feedback
copies, the standing office its summary. Nothing is sent without PLAN389_SMTP_HOST, _PORT and
_FROM, and nothing twice for the same rows (pipelines/follow_up/sending.py)."""

import dagster as dg

from pipelines.defs.resources import DataDirResource
from pipelines.follow_up.service import follow_up_days, run_follow_up


@dg.op(description="Write the follow-up lists from the published marts and mail them.")
def send_follow_up_op(context: dg.OpExecutionContext, data_dir: DataDirResource) -> None:
    paths = data_dir.paths
    outcome = run_follow_up(paths, paths.marts, follow_up_days(), send=True)
    context.log.info(outcome.sending.summary())
    if not outcome.sending.ok:
        raise dg.Failure(description=outcome.sending.summary())


@dg.job(description="Mail the đôn đốc lists now (what `plan389 follow-up --send` does).")
def send_follow_up():
    send_follow_up_op()


follow_up_schedule = dg.ScheduleDefinition(
    name="follow_up_schedule",
    job=send_follow_up,
    cron_schedule="0 7 * * 1",
    execution_timezone="Asia/Ho_Chi_Minh",  # Monday 07:00 in Vietnam, whatever the server's zone
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every Monday at 07:00 Vietnam time: each agency with something to act on gets "
    "its follow-up workbook and feedback copies, the standing office the summary. Sends "
    "nothing without the PLAN389_SMTP_* settings, and never the same rows twice.",
)
