"""One entry for `plan389 follow-up`, the `follow_up` asset and the weekly schedule: write the
lists and feedback copies from the published marts, then (when asked and configured) send them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipelines.follow_up.documents import FollowUpResult, write_follow_up
from pipelines.follow_up.lists import DEFAULT_DAYS, FollowUp, FollowUpError, read_follow_up
from pipelines.settings import DataPaths

DAYS_ENV = "PLAN389_FOLLOW_UP_DAYS"


def follow_up_days(env: Mapping[str, str] = os.environ) -> int:
    """How many days ahead the lists look: PLAN389_FOLLOW_UP_DAYS, else 30."""
    text = env.get(DAYS_ENV, "").strip()
    if not text:
        return DEFAULT_DAYS
    try:
        days = int(text)
    except ValueError:
        raise FollowUpError(f"{DAYS_ENV} must be a whole number of days, not {text!r}") from None
    if days < 0:
        raise FollowUpError(f"{DAYS_ENV} must be 0 or more, not {days}")
    return days


@dataclass
class FollowUpOutcome:
    follow: FollowUp
    documents: FollowUpResult
    sending: object | None = None  # sending.SendOutcome when asked to send


def run_follow_up(
    paths: DataPaths,
    out_root: Path,
    days: int = DEFAULT_DAYS,
    plan_id: str | None = None,
    send: bool = False,
    env: Mapping[str, str] = os.environ,
    now: datetime | None = None,
) -> FollowUpOutcome:
    """Write the follow-up documents under `out_root`; send them when `send` (and the SMTP
    settings are set: without them nothing is ever sent)."""
    follow = read_follow_up(paths.marts, days, plan_id)
    documents = write_follow_up(follow, paths.raw_reports, out_root)
    outcome = FollowUpOutcome(follow, documents)
    if send:
        from pipelines.follow_up.sending import send_follow_up

        outcome.sending = send_follow_up(follow, documents, paths, env=env, now=now)
    return outcome
