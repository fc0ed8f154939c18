"""Đôn đốc after each run: the follow-up lists and the feedback copies, from the published
marts (pipelines/follow_up)."""

import dagster as dg

from pipelines.defs.publish.assets import OWNER, published_marts
from pipelines.defs.resources import DataDirResource
from pipelines.follow_up.service import follow_up_days, run_follow_up


@dg.asset(
    deps=[published_marts],
    group_name="publish",
    kinds={"excel"},
    owners=[OWNER],
    description="Đôn đốc: marts/follow-up/<plan_id>/<agency slug>.xlsx for every agency with "
    "something to act on (tasks due soon or overdue, no progress, reports due, missing or late, "
    "files refused or with rows in quarantine), a summary per plan and overall (tong-hop.xlsx), "
    "and marts/feedback/: each current workbook with quarantined rows, its offending cells "
    "marked and commented. Only files whose rows changed are rewritten. Sends nothing (the "
    "weekly follow_up_schedule does).",
)
def follow_up(context: dg.AssetExecutionContext, data_dir: DataDirResource) -> dg.MaterializeResult:
    paths = data_dir.paths
    outcome = run_follow_up(paths, paths.marts, follow_up_days())
    docs = outcome.documents
    context.log.info(
        f"follow-up: {len(docs.packets)} agencies; written {len(docs.written)}, unchanged "
        f"{len(docs.kept)}, removed {len(docs.removed)}"
    )
    counts = outcome.follow.rows.group_by("category").len().sort("category")
    return dg.MaterializeResult(
        metadata={
            "as_of": outcome.follow.as_of.isoformat(),
            "days_ahead": outcome.follow.days,
            "agencies": len(docs.packets),
            "files_written": len(docs.written),
            "files_unchanged": len(docs.kept),
            "files_removed": len(docs.removed),
            "items": dg.MetadataValue.json(dict(counts.iter_rows())),
            "location": dg.MetadataValue.path(str(paths.marts / "follow-up")),
        }
    )
