"""`plan389 follow-up --send` end to end: the lists of a real run over the bundled data are
mailed through a loopback SMTP server to the addresses in raw/agencies.xlsx, the office gets
the summary, and a second run with the same rows sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.follow_up.service import run_follow_up
from pipelines.settings import CONTACTS_FILE, DataPaths
from tests.follow_up.test_mail import Collector, Server, _serve

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
OFFICE = "vanphong389@example.vn"


@pytest.fixture
def server():
    yield from _serve(Collector())


def _env(server: Server) -> dict[str, str]:
    return {
        "PLAN389_SMTP_HOST": "127.0.0.1",
        "PLAN389_SMTP_PORT": str(server.port),
        "PLAN389_SMTP_FROM": "Ban Chỉ đạo 389 <bcd389@example.vn>",
        "PLAN389_SMTP_TLS": "none",
        "PLAN389_SMTP_OFFICE_TO": OFFICE,
    }


def _write_contacts(path: Path, rows: list[tuple[str, str, str]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH BẠ ĐẦU MỐI ĐÔN ĐỐC"])
    ws.append([])
    ws.append(["Mã kế hoạch", "Tên cơ quan", "Email"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)


def test_each_agency_gets_its_list_once_and_the_office_its_summary(
    data_dir: Path, server: Server
) -> None:
    paths = DataPaths(data_dir)
    first = run_follow_up(paths, data_dir / "out", days=30)
    packets = first.documents.packets
    with_feedback = [p for p in packets if p.feedback]
    chosen = [*with_feedback[:1], *[p for p in packets if not p.feedback][:2]]
    assert len(chosen) == 3 and with_feedback
    addresses = {(p.plan_id, p.agency_id): f"dauMoi{i}@example.vn" for i, p in enumerate(chosen)}
    _write_contacts(
        data_dir / "raw" / CONTACTS_FILE,
        [(p.plan_id, p.agency_name, addresses[(p.plan_id, p.agency_id)]) for p in chosen],
    )

    outcome = run_follow_up(paths, data_dir / "out", days=30, send=True, env=_env(server), now=NOW)
    sending = outcome.sending
    assert sending.configured and sending.ok and sending.contact_problems == []
    assert len(sending.report.sent) == 4  # three agencies and the office
    assert len(sending.without_address) == len(packets) - 3
    received = {tuple(r.rcpt_tos): r.message for r in server.handler.received}
    for packet in chosen:
        message = received[(addresses[(packet.plan_id, packet.agency_id)],)]
        assert packet.agency_name in message["Subject"]
        names = [a.get_filename() for a in message.iter_attachments()]
        assert names == [packet.workbook.name, *(f.name for f in packet.feedback)]
        sent = next(message.iter_attachments()).get_content()
        assert sent == packet.workbook.read_bytes()
    summary = received[(OFFICE,)]
    assert [a.get_filename() for a in summary.iter_attachments()] == ["tong-hop.xlsx"]

    again = run_follow_up(paths, data_dir / "out", days=30, send=True, env=_env(server), now=NOW)
    assert again.sending.report.sent == [] and len(again.sending.report.skipped) == 4
    assert len(server.handler.received) == 4  # nothing sent twice for the same rows


def test_without_smtp_settings_nothing_is_sent(data_dir: Path) -> None:
    outcome = run_follow_up(DataPaths(data_dir), data_dir / "out", days=30, send=True, env={})
    assert not outcome.sending.configured
    assert "nothing sent" in outcome.sending.summary()
    assert not (data_dir / "state" / "follow_up_sent.jsonl").exists()
