"""Mail the follow-up: each agency its list and the feedback copies of its files, the standing
office its summary (PLAN389_SMTP_OFFICE_TO).

Without PLAN389_SMTP_HOST, _PORT and _FROM nothing is sent. An agency's addresses come from
`raw/agencies.xlsx` (contacts.py); an agency without one is listed, not guessed. A mail whose
rows were sent before to the same addresses is skipped (the sent log, mail.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from pipelines.follow_up.contacts import read_contacts, recipients
from pipelines.follow_up.documents import AgencyPacket, FollowUpResult
from pipelines.follow_up.lists import FollowUp
from pipelines.follow_up.mail import Mail, SendReport, SentLog, send_mails, smtp_settings
from pipelines.outputs.presentation import date_text
from pipelines.settings import CONTACTS_FILE, DataPaths


@dataclass
class SendOutcome:
    configured: bool
    report: SendReport | None = None
    contact_problems: list[dict] = field(default_factory=list)
    without_address: list[AgencyPacket] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is None or not self.report.failed

    def summary(self) -> str:
        if not self.configured:
            return "sending: off (PLAN389_SMTP_HOST, _PORT and _FROM are not set): nothing sent"
        report = self.report or SendReport([], [], [])
        lines = [
            f"sending: {len(report.sent)} sent, {len(report.skipped)} already sent with the "
            f"same rows, {len(report.failed)} failed; {len(self.without_address)} agencies "
            f"without an address in raw/{CONTACTS_FILE}"
        ]
        lines += [f"  failed: {', '.join(m.to)}: {why}" for m, why in report.failed]
        lines += [
            f"  sent, but the server refused: {', '.join(refused)}" for _, refused in report.refused
        ]
        lines += [
            f"  raw/{CONTACTS_FILE} row {p.get('row')}: {p.get('reason_en') or p.get('reason_vi')}"
            for p in self.contact_problems
        ]
        return "\n".join(lines)


def plan_agencies(paths: DataPaths) -> pl.DataFrame:
    """Every (plan, agency) the published marts know, with the plan's locality, for resolving
    the contact file's names: the agencies each plan obliges to report (named in it or sending
    workbooks)."""
    compliance = pl.read_parquet(
        paths.marts / "mart_reporting_compliance.parquet",
        columns=["plan_id", "agency_id", "agency_name"],
    ).unique(["plan_id", "agency_id"])
    plans = pl.read_parquet(
        paths.marts / "mart_plans.parquet", columns=["plan_id", "locality_code", "level"]
    )
    return compliance.join(plans, on="plan_id", how="inner").sort("plan_id", "agency_id")


def _agency_mail(packet: AgencyPacket, to: tuple[str, ...], follow: FollowUp) -> Mail:
    as_of = date_text(follow.as_of)
    body = (
        f"Kính gửi {packet.agency_name},\n\n"
        f"Văn phòng thường trực Ban Chỉ đạo 389 gửi danh sách đôn đốc thực hiện Kế hoạch "
        f"{packet.plan_id} (số liệu đến ngày {as_of}): các nhiệm vụ sắp đến hạn, quá hạn, chưa "
        f"báo cáo tiến độ, các báo cáo cần gửi"
        + (
            ", và bản phản hồi của các tệp báo cáo có dòng bị loại (ô cần sửa được tô màu và "
            "ghi chú; sửa rồi gửi lại tệp)"
            if packet.feedback
            else ""
        )
        + ".\n\nTrân trọng."
    )
    return Mail(
        to=to,
        subject=f"[BCĐ 389] Đôn đốc thực hiện Kế hoạch {packet.plan_id} – {packet.agency_name}",
        body=body,
        attachments=(packet.workbook, *packet.feedback),
        content_key=packet.content_key,
        kind="agency",
        plan_id=packet.plan_id,
        agency_id=packet.agency_id,
    )


def _office_mail(documents: FollowUpResult, to: tuple[str, ...], follow: FollowUp) -> Mail:
    assert documents.summary is not None
    return Mail(
        to=to,
        subject=f"[BCĐ 389] Tổng hợp đôn đốc (số liệu đến ngày {date_text(follow.as_of)})",
        body=(
            "Tổng hợp đôn đốc các cơ quan, đơn vị: xếp theo số ngày quá hạn nhiều nhất, rồi hạn "
            "gần nhất; số việc theo từng loại; danh sách chi tiết lọc được (trang ChiTiet)."
        ),
        attachments=(documents.summary,),
        content_key=documents.summary_key,
        kind="office",
    )


def send_follow_up(
    follow: FollowUp,
    documents: FollowUpResult,
    paths: DataPaths,
    env: Mapping[str, str] = os.environ,
    now: datetime | None = None,
) -> SendOutcome:
    """Send what the schedule sends; nothing when the SMTP settings are not set."""
    settings = smtp_settings(env)  # SmtpSettingsError when half set or unsafe
    if settings is None:
        return SendOutcome(configured=False)
    outcome = SendOutcome(configured=True)
    addresses: dict[tuple[str, str], tuple[str, ...]] = {}
    if paths.contacts.is_file():
        contacts = read_contacts(paths.contacts, plan_agencies(paths))
        outcome.contact_problems = contacts.problems
        addresses = recipients(contacts.contacts)
    mails: list[Mail] = []
    for packet in documents.packets:
        to = addresses.get((packet.plan_id, packet.agency_id))
        if not to:
            outcome.without_address.append(packet)
            continue
        mails.append(_agency_mail(packet, to, follow))
    if settings.office_to and documents.summary is not None:
        mails.append(_office_mail(documents, settings.office_recipients, follow))
    outcome.report = send_mails(mails, settings, SentLog.for_data_dir(paths.root), now=now)
    return outcome
