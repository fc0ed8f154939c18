"""Sending follow-up mails to a local SMTP server on loopback (aiosmtpd): settings, messages,
TLS (STARTTLS required unless told otherwise, a self-signed certificate made here), and the
sent log that keeps the same content from being sent twice."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from openpyxl import Workbook

from pipelines.follow_up.mail import (
    Mail,
    SentLog,
    SmtpSettings,
    SmtpSettingsError,
    build_message,
    mail_key,
    send_mails,
    smtp_settings,
)

VN = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=VN)  # a Monday morning in Việt Nam
LATER = NOW + timedelta(days=7)
SENDER = "Ban Chỉ đạo 389 tỉnh <bcd389@example.vn>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------- the server


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """An aiosmtpd handler keeping what arrives; it refuses recipients named `reject…@`."""

    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address.startswith("reject"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((login, password))
            if (login, password) == ("bcd389", "mat-khau 389 "):
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (PEM files)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.now(UTC) - timedelta(days=1)  # TLS checks the real clock
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A client context that trusts the test certificate (and verifies it, host name too)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@dataclass
class Server:
    handler: Collector
    port: int


def _serve(handler: Collector, **kwargs) -> Iterator[Server]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Server(handler, port)
    finally:
        controller.stop()


@pytest.fixture
def plain_server() -> Iterator[Server]:
    """A loopback server that does not offer STARTTLS."""
    yield from _serve(Collector())


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """A loopback server offering (and requiring) STARTTLS, with login after TLS only."""
    handler = Collector()
    yield from _serve(
        handler,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=handler.authenticate,
        auth_require_tls=True,
    )


@pytest.fixture
def ssl_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """A loopback server speaking TLS from the first byte (SMTPS)."""
    handler = Collector()
    # aiosmtpd counts only STARTTLS as TLS for AUTH; this connection is TLS from the start
    yield from _serve(
        handler,
        ssl_context=server_context(certificate),
        authenticator=handler.authenticate,
        auth_require_tls=False,
    )


def settings_for(server: Server, tls: str = "none", **changes: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "sender": SENDER,
        "user": None,
        "password": None,
        "tls": tls,
        "office_to": "vanphong389@example.vn",
    }
    return SmtpSettings(**(values | changes))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- the mails


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A feedback workbook whose file name is Vietnamese."""
    wb = Workbook()
    wb.active.append(["Mã tin", "Lý do"])
    wb.active.append(["T-001", "Ngày tiếp nhận sau ngày báo cáo"])
    path = tmp_path / "Phản hồi – Công an tỉnh Thanh Hóa.xlsx"
    wb.save(path)
    return path


def agency_mail(workbook: Path, key: str = "rows-v1", **changes: object) -> Mail:
    values: dict[str, object] = {
        "to": ("pc03@congan.thanhhoa.gov.vn", "vanthu@congan.thanhhoa.gov.vn"),
        "subject": "Đôn đốc báo cáo tuần – Công an tỉnh Thanh Hóa",
        "body": "Kính gửi Công an tỉnh Thanh Hóa,\n\nĐề nghị đơn vị bổ sung số liệu còn thiếu.",
        "attachments": (workbook,),
        "content_key": key,
        "kind": "agency",
        "plan_id": "thanh-hoa-08-kh-ubnd-2026",
        "agency_id": "38:cong-an-tinh",
    }
    return Mail(**(values | changes))  # type: ignore[arg-type]


def office_mail(key: str = "summary-v1") -> Mail:
    return Mail(
        to=("vanphong389@example.vn",),
        subject="Tổng hợp đôn đốc tuần 48",
        body="Kính gửi Cơ quan Thường trực,\n\n3 cơ quan chưa nộp báo cáo.",
        attachments=(),
        content_key=key,
        kind="office",
    )


@pytest.fixture
def log(tmp_path: Path) -> SentLog:
    return SentLog.for_data_dir(tmp_path / "data")


# ---------------------------------------------------------------------------- settings


def test_without_settings_nothing_is_set_up() -> None:
    assert smtp_settings({}) is None
    blank = {"PLAN389_SMTP_HOST": "", "PLAN389_SMTP_PORT": " ", "PLAN389_SMTP_FROM": ""}
    assert smtp_settings(blank) is None


def test_settings_from_the_environment() -> None:
    settings = smtp_settings(
        {
            "PLAN389_SMTP_HOST": "smtp.example.vn",
            "PLAN389_SMTP_PORT": "587",
            "PLAN389_SMTP_FROM": SENDER,
            "PLAN389_SMTP_USER": "bcd389",
            "PLAN389_SMTP_PASSWORD": "mat-khau 389 ",
            "PLAN389_SMTP_OFFICE_TO": "vp389@example.vn; thuongtruc@example.vn",
        }
    )
    assert settings is not None
    assert (settings.host, settings.port, settings.tls) == ("smtp.example.vn", 587, "starttls")
    assert (settings.user, settings.password) == ("bcd389", "mat-khau 389 ")
    assert settings.sender_address == "bcd389@example.vn"
    assert settings.office_recipients == ("vp389@example.vn", "thuongtruc@example.vn")
    assert "mật khẩu" not in repr(settings)
    relay = smtp_settings(
        {
            "PLAN389_SMTP_HOST": "127.0.0.1",
            "PLAN389_SMTP_PORT": "25",
            "PLAN389_SMTP_FROM": "bcd389@example.vn",
            "PLAN389_SMTP_TLS": "NONE",
        }
    )
    assert relay is not None and relay.tls == "none" and relay.office_to is None


BASE = {
    "PLAN389_SMTP_HOST": "smtp.example.vn",
    "PLAN389_SMTP_PORT": "587",
    "PLAN389_SMTP_FROM": "bcd389@example.vn",
}


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PLAN389_SMTP_HOST": "smtp.example.vn"}, "PLAN389_SMTP_PORT"),
        (
            {"PLAN389_SMTP_HOST": "smtp.example.vn", "PLAN389_SMTP_PORT": "587"},
            "PLAN389_SMTP_FROM",
        ),
        ({"PLAN389_SMTP_FROM": "bcd389@example.vn"}, "PLAN389_SMTP_HOST"),
        (BASE | {"PLAN389_SMTP_PORT": "smtp"}, "PLAN389_SMTP_PORT"),
        (BASE | {"PLAN389_SMTP_PORT": "0"}, "PLAN389_SMTP_PORT"),
        (BASE | {"PLAN389_SMTP_PORT": "70000"}, "PLAN389_SMTP_PORT"),
        (BASE | {"PLAN389_SMTP_PORT": "25.0"}, "PLAN389_SMTP_PORT"),
        (BASE | {"PLAN389_SMTP_TLS": "tls"}, "PLAN389_SMTP_TLS"),
        (BASE | {"PLAN389_SMTP_USER": "bcd389"}, "PLAN389_SMTP_PASSWORD"),
        (BASE | {"PLAN389_SMTP_PASSWORD": "secret"}, "PLAN389_SMTP_USER"),
        (
            BASE
            | {
                "PLAN389_SMTP_TLS": "none",
                "PLAN389_SMTP_USER": "bcd389",
                "PLAN389_SMTP_PASSWORD": "secret",
            },
            "PLAN389_SMTP_TLS=none",
        ),
        (BASE | {"PLAN389_SMTP_FROM": "Ban Chỉ đạo 389"}, "PLAN389_SMTP_FROM"),
        (
            BASE | {"PLAN389_SMTP_USER": "bcd389", "PLAN389_SMTP_PASSWORD": "mật khẩu"},
            "PLAN389_SMTP_PASSWORD holds non-ASCII",
        ),
        (BASE | {"PLAN389_SMTP_OFFICE_TO": "vp389@example.vn; vp389"}, "PLAN389_SMTP_OFFICE_TO"),
    ],
)
def test_unusable_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SmtpSettingsError, match=variable):
        smtp_settings(env)


def test_credentials_are_never_set_up_without_tls() -> None:
    with pytest.raises(SmtpSettingsError, match="never sent without TLS"):
        SmtpSettings("127.0.0.1", 25, "bcd389@example.vn", "bcd389", "secret", "none", None)


def test_a_mail_needs_recipients_and_a_known_kind(workbook: Path) -> None:
    with pytest.raises(ValueError, match="recipient"):
        agency_mail(workbook, to=())
    with pytest.raises(ValueError, match="kind"):
        agency_mail(workbook, kind="province")


# ---------------------------------------------------------------------------- keys


def test_the_log_keys_on_recipients_and_content_not_bytes(workbook: Path) -> None:
    mail = agency_mail(workbook)
    same = agency_mail(workbook, to=tuple(address.upper() for address in reversed(mail.to)))
    assert mail_key(mail) == mail_key(same)
    assert mail_key(mail) == mail_key(agency_mail(workbook, subject="Another subject"))
    assert mail_key(mail) != mail_key(agency_mail(workbook, key="rows-v2"))
    assert mail_key(mail) != mail_key(agency_mail(workbook, to=mail.to[:1]))


def test_mails_arrive_with_their_recipients_text_and_attachments(
    plain_server: Server, workbook: Path, log: SentLog
) -> None:
    settings = settings_for(plain_server)
    report = send_mails([agency_mail(workbook), office_mail()], settings, log, NOW)
    assert (len(report.sent), report.skipped, report.failed) == (2, [], [])

    agency, office = plain_server.handler.received
    assert agency.mail_from == "bcd389@example.vn"
    assert agency.rcpt_tos == ["pc03@congan.thanhhoa.gov.vn", "vanthu@congan.thanhhoa.gov.vn"]
    message = agency.message
    assert message["To"] == "pc03@congan.thanhhoa.gov.vn, vanthu@congan.thanhhoa.gov.vn"
    assert message["Subject"] == "Đôn đốc báo cáo tuần – Công an tỉnh Thanh Hóa"
    assert message["From"].addresses[0].display_name == "Ban Chỉ đạo 389 tỉnh"
    assert message["Date"].datetime == NOW
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Đề nghị đơn vị bổ sung số liệu còn thiếu." in body.get_content()
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["Phản hồi – Công an tỉnh Thanh Hóa.xlsx"]
    assert attachments[0].get_content_type() == XLSX
    assert attachments[0].get_content() == workbook.read_bytes()

    assert office.rcpt_tos == ["vanphong389@example.vn"]
    assert office.message["Subject"] == "Tổng hợp đôn đốc tuần 48"
    assert list(office.message.iter_attachments()) == []

    entries = log.entries()
    assert [(e["kind"], e["sent_at"]) for e in entries] == [
        ("agency", NOW.isoformat()),
        ("office", NOW.isoformat()),
    ]
    assert entries[0]["agency_id"] == "38:cong-an-tinh"
    assert log.path == log.path.parents[1] / "state" / "follow_up_sent.jsonl"


def test_nothing_is_sent_twice_for_the_same_content(
    plain_server: Server, workbook: Path, log: SentLog
) -> None:
    settings = settings_for(plain_server)
    send_mails([agency_mail(workbook), office_mail()], settings, log, NOW)
    received = plain_server.handler.received
    assert len(received) == 2

    # The same rows a week later, in a workbook written again (other bytes), recipients
    # listed in another order and case, from a new SentLog (a new run): skipped.
    rewritten = Workbook()
    rewritten.active.append(["Mã tin", "Lý do", "written again"])
    rewritten.save(workbook)
    again = agency_mail(
        workbook, to=("VANTHU@congan.thanhhoa.gov.vn", "pc03@congan.thanhhoa.gov.vn")
    )
    reopened = SentLog(log.path)
    report = send_mails([again, office_mail()], settings, reopened, LATER)
    assert (report.sent, len(report.skipped), report.failed) == ([], 2, [])
    assert len(received) == 2

    # New rows: a new content key, sent.
    changed = agency_mail(workbook, key="rows-v2")
    report = send_mails([changed, office_mail()], settings, reopened, LATER)
    assert (report.sent, report.skipped) == ([changed], [office_mail()])
    assert len(received) == 3
    assert [e["sent_at"] for e in SentLog(log.path).entries()] == [
        NOW.isoformat(),
        NOW.isoformat(),
        LATER.isoformat(),
    ]


def test_the_same_mail_twice_in_a_batch_is_sent_once(
    plain_server: Server, workbook: Path, log: SentLog
) -> None:
    report = send_mails([office_mail(), office_mail()], settings_for(plain_server), log, NOW)
    assert (len(report.sent), len(report.skipped)) == (1, 1)
    assert len(plain_server.handler.received) == 1


def test_one_failed_mail_does_not_stop_the_others(
    plain_server: Server, workbook: Path, tmp_path: Path, log: SentLog
) -> None:
    refused = agency_mail(workbook, to=("reject@congan.thanhhoa.gov.vn",), key="a")
    unreadable = agency_mail(workbook, attachments=(tmp_path / "gone.xlsx",), key="b")
    bad_address = agency_mail(workbook, to=("pc03@congan",), key="c")
    partly = agency_mail(workbook, to=("reject2@example.vn", "ok@example.vn"), key="d")
    fine = office_mail()
    report = send_mails(
        [refused, unreadable, bad_address, partly, fine], settings_for(plain_server), log, NOW
    )
    assert report.sent == [partly, fine]
    failed = dict(report.failed)
    assert set(failed) == {refused, unreadable, bad_address}
    assert "refused every recipient" in failed[refused] and "550" in failed[refused]
    assert "gone.xlsx" in failed[unreadable]
    assert "not an e-mail address" in failed[bad_address]
    assert report.refused == [(partly, ("reject2@example.vn",))]
    assert [r.rcpt_tos for r in plain_server.handler.received] == [
        ["ok@example.vn"],
        ["vanphong389@example.vn"],
    ]
    # Only what the server accepted is in the log: the failed mails go out next time.
    assert [e["content_key"] for e in log.entries()] == ["d", "summary-v1"]
    assert not log.was_sent(refused)


def test_starttls_is_required_by_default(
    plain_server: Server, workbook: Path, log: SentLog
) -> None:
    settings = settings_for(plain_server, tls="starttls")
    report = send_mails([agency_mail(workbook), office_mail()], settings, log, NOW)
    assert report.sent == []
    assert [mail.kind for mail, _ in report.failed] == ["agency", "office"]
    assert all("does not offer STARTTLS" in reason for _, reason in report.failed)
    assert plain_server.handler.received == []
    assert log.entries() == []


def test_starttls_then_login(
    starttls_server: Server, certificate: tuple[Path, Path], workbook: Path, log: SentLog
) -> None:
    settings = settings_for(
        starttls_server, tls="starttls", user="bcd389", password="mat-khau 389 "
    )
    report = send_mails(
        [agency_mail(workbook), office_mail()], settings, log, NOW, context=trusting(certificate)
    )
    assert report.failed == [] and len(report.sent) == 2
    assert starttls_server.handler.logins == [("bcd389", "mat-khau 389 ")]
    assert len(starttls_server.handler.received) == 2


def test_a_refused_login_sends_nothing(
    starttls_server: Server, certificate: tuple[Path, Path], workbook: Path, log: SentLog
) -> None:
    settings = settings_for(starttls_server, tls="starttls", user="bcd389", password="wrong")
    report = send_mails([office_mail()], settings, log, NOW, context=trusting(certificate))
    assert report.sent == [] and "535" in report.failed[0][1]
    assert starttls_server.handler.received == [] and log.entries() == []


def test_an_untrusted_certificate_is_refused(
    starttls_server: Server, workbook: Path, log: SentLog
) -> None:
    # The default context trusts the system's CAs only, not the test's self-signed certificate.
    report = send_mails([office_mail()], settings_for(starttls_server, tls="starttls"), log, NOW)
    assert report.sent == []
    assert "CERTIFICATE_VERIFY_FAILED" in report.failed[0][1]
    assert starttls_server.handler.received == []


def test_ssl_from_the_first_byte(
    ssl_server: Server, certificate: tuple[Path, Path], workbook: Path, log: SentLog
) -> None:
    settings = settings_for(ssl_server, tls="ssl", user="bcd389", password="mat-khau 389 ")
    report = send_mails([office_mail()], settings, log, NOW, context=trusting(certificate))
    assert report.failed == [] and len(report.sent) == 1
    assert ssl_server.handler.logins == [("bcd389", "mat-khau 389 ")]
    assert len(ssl_server.handler.received) == 1


def test_no_server_every_mail_fails_and_nothing_is_logged(workbook: Path, log: SentLog) -> None:
    settings = SmtpSettings("127.0.0.1", free_port(), SENDER, None, None, "none", None)
    report = send_mails([agency_mail(workbook), office_mail()], settings, log, NOW)
    assert report.sent == [] and len(report.failed) == 2
    assert all("cannot connect" in reason for _, reason in report.failed)
    assert log.entries() == []


def test_nothing_to_send_opens_no_connection(workbook: Path, log: SentLog) -> None:
    log.record(office_mail(), NOW)
    settings = SmtpSettings("127.0.0.1", free_port(), SENDER, None, None, "none", None)
    report = send_mails([office_mail()], settings, log, NOW)
    assert (report.sent, report.skipped, report.failed) == ([], [office_mail()], [])


# ---------------------------------------------------------------------------- the log


def test_the_log_survives_a_torn_line(tmp_path: Path, workbook: Path) -> None:
    log = SentLog.for_data_dir(tmp_path)
    assert (tmp_path / "state").is_dir()
    log.record(office_mail("a"), NOW)
    with log.path.open("a", encoding="utf-8") as handle:
        handle.write('{"key": "cut short by a cra')  # a crash in the middle of a write
    log.record(agency_mail(workbook), LATER)
    reopened = SentLog(log.path)
    assert reopened.was_sent(office_mail("a")) and reopened.was_sent(agency_mail(workbook))
    assert not reopened.was_sent(office_mail("b"))
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["subject"].startswith("Đôn đốc")


def test_long_vietnamese_headers_keep_every_space(workbook: Path) -> None:
    subject = (
        "Đôn đốc báo cáo tuần 48 năm 2026 – Sở Văn hóa, Thể thao và Du lịch tỉnh Thanh Hóa "
        "– Công an tỉnh Thanh Hóa – Chi cục Hải quan khu vực X"
    )
    mail = agency_mail(workbook, subject=subject)
    raw = build_message(mail, SENDER, NOW).as_bytes()
    lines = raw.splitlines()
    assert max(len(line) for line in lines) <= 998  # RFC 5322's hard limit
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(b" "))
    assert end - start > 1 and all(len(line) <= 78 for line in lines[start:end])  # folded
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == "Ban Chỉ đạo 389 tỉnh"
    assert parsed["X-Plan389-Content-Key"] == "rows-v1"
    with pytest.raises(ValueError, match="line break"):
        build_message(agency_mail(workbook, subject="Đôn đốc\nBcc: x@example.vn"), SENDER, NOW)
