"""Sending the follow-up mails: SMTP settings, messages, one connection per batch, the sent log.

Sending is off unless `PLAN389_SMTP_HOST`, `PLAN389_SMTP_PORT` and `PLAN389_SMTP_FROM` are all
set (`smtp_settings` returns None when none of them is; some but not all is an error).

- `PLAN389_SMTP_USER` and `PLAN389_SMTP_PASSWORD` are optional, and go together.
- `PLAN389_SMTP_TLS` is `starttls` (the default: a server that does not offer STARTTLS is an
  error, never a silent fall-back to plain text), `ssl` (TLS from the first byte), or `none`,
  which must be set explicitly and is meant for a loopback or internal relay.
- Credentials are never sent without TLS: USER/PASSWORD with TLS `none` is refused already by
  the settings, and login happens only after TLS is up.
- `PLAN389_SMTP_OFFICE_TO` is the standing office's address (or several, separated by `,` or
  `;`), for the summary.

Nothing is sent twice for the same content. A mail carries `content_key`, a digest of the rows
it reports that the caller computes (`lists.content_keys`): the same rows give the same key
whatever the bytes of the attached workbook. The sent log keys a mail on its recipients
(sorted, lowercased) and that content key (`mail_key`); a mail already in the log is skipped.
A mail is recorded only after the server accepted it.

The log is a JSON-lines file outside the warehouse (`<data dir>/state/follow_up_sent.jsonl`):
it survives a rebuild of the warehouse and never touches its writer lock. Each record is one
`write()` of one line to a file opened for appending, fsync'd; a line torn by a crash is
skipped when read and never glued to the next record. A batch holds a lock file beside the
log, so two schedules running at once cannot both send the same mail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Literal, get_args

from filelock import FileLock

from pipelines.settings import DataPaths

HOST_ENV = "PLAN389_SMTP_HOST"
PORT_ENV = "PLAN389_SMTP_PORT"
FROM_ENV = "PLAN389_SMTP_FROM"
USER_ENV = "PLAN389_SMTP_USER"
PASSWORD_ENV = "PLAN389_SMTP_PASSWORD"
TLS_ENV = "PLAN389_SMTP_TLS"
OFFICE_TO_ENV = "PLAN389_SMTP_OFFICE_TO"

TlsMode = Literal["starttls", "ssl", "none"]
TLS_MODES: tuple[str, ...] = get_args(TlsMode)
MAIL_KINDS = ("agency", "office")
TIMEOUT_SECONDS = 60  # per SMTP operation
LOCK_TIMEOUT_SECONDS = 600  # waiting for another batch to finish with the sent log
SENT_LOG_FILE = "follow_up_sent.jsonl"

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# An ASCII address as people type them (no quoted local parts, no IP-literal domains): what a
# relay delivers without SMTPUTF8. Also used by pandera (contacts), hence a pattern string.
ADDRESS_PATTERN = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
_ADDRESS = re.compile(ADDRESS_PATTERN)
_SEPARATORS = re.compile(r"[;,\s]+")

_MIME_TYPES = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12"),
    ".xls": ("application", "vnd.ms-excel"),
    ".ods": ("application", "vnd.oasis.opendocument.spreadsheet"),
    ".pdf": ("application", "pdf"),
    ".html": ("text", "html"),
}


class SmtpSettingsError(ValueError):
    """The SMTP settings cannot be used; the message (English) names the variable."""


def is_address(text: str) -> bool:
    """True for one plain e-mail address (`user@agency.gov.vn`)."""
    return bool(_ADDRESS.fullmatch(text))


def split_addresses(text: str | None) -> list[str]:
    """The addresses of a list separated by `,`, `;` or spaces, as written (not checked)."""
    return [part for part in _SEPARATORS.split(text or "") if part]


# ------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str  # PLAN389_SMTP_FROM: an address, or `Name <address>`
    user: str | None
    password: str | None = field(repr=False)
    tls: TlsMode
    office_to: str | None

    def __post_init__(self) -> None:
        problems = settings_problems(self)
        if problems:
            raise SmtpSettingsError("; ".join(problems))

    @property
    def sender_address(self) -> str:
        """The address of `sender` (the envelope's MAIL FROM)."""
        return parseaddr(self.sender)[1]

    @property
    def office_recipients(self) -> tuple[str, ...]:
        """The standing office's addresses (`office_to` may list several)."""
        return tuple(split_addresses(self.office_to))


def settings_problems(settings: SmtpSettings) -> list[str]:
    """What is wrong with settings, each naming its environment variable (empty: usable)."""
    problems: list[str] = []
    if not settings.host or any(c.isspace() for c in settings.host):
        problems.append(f"{HOST_ENV}={settings.host!r} is not a host name")
    if not 1 <= settings.port <= 65535:
        problems.append(f"{PORT_ENV}={settings.port} is not a port number (1-65535)")
    address = parseaddr(settings.sender)[1]
    if not is_address(address) or "\n" in settings.sender or "\r" in settings.sender:
        problems.append(f"{FROM_ENV}={settings.sender!r} is not an e-mail address")
    if settings.tls not in TLS_MODES:
        problems.append(
            f"{TLS_ENV}={settings.tls!r} is not one of {', '.join(TLS_MODES)} "
            "(starttls is the default)"
        )
    if (settings.user is None) != (settings.password is None):
        problems.append(f"{USER_ENV} and {PASSWORD_ENV} go together: set both or neither")
    elif settings.user is not None and settings.tls == "none":
        problems.append(
            f"{USER_ENV} and {PASSWORD_ENV} are set with {TLS_ENV}=none: credentials are never "
            "sent without TLS (use starttls or ssl, or drop the credentials for a relay that "
            "needs none)"
        )
    for variable, value in ((USER_ENV, settings.user), (PASSWORD_ENV, settings.password)):
        if value is not None and not value.isascii():
            # smtplib sends credentials as ASCII; a letter such as "ậ" would fail at login
            problems.append(f"{variable} holds non-ASCII characters, which SMTP login cannot send")
    if settings.office_to is not None:
        listed = split_addresses(settings.office_to)
        bad = [a for a in listed if not is_address(a)]
        if not listed or bad:
            shown = ", ".join(bad) or repr(settings.office_to)
            problems.append(f"{OFFICE_TO_ENV}: not an e-mail address: {shown}")
    return problems


def _value(env: Mapping[str, str], name: str, *, strip: bool = True) -> str | None:
    """A variable's value; unset and empty are the same."""
    value = env.get(name)
    if value is not None and strip:
        value = value.strip()
    return value or None


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise SmtpSettingsError(f"{PORT_ENV}={text!r} is not a port number (1-65535)")
    return int(text)


def smtp_settings(env: Mapping[str, str] = os.environ) -> SmtpSettings | None:
    """The settings from the environment; None (sending off) when HOST, PORT and FROM are all
    unset. SmtpSettingsError when only some are set or a value cannot be used."""
    host, port, sender = (_value(env, name) for name in (HOST_ENV, PORT_ENV, FROM_ENV))
    if host is None and port is None and sender is None:
        return None
    missing = [n for n, v in ((HOST_ENV, host), (PORT_ENV, port), (FROM_ENV, sender)) if not v]
    if missing:
        raise SmtpSettingsError(
            f"{' and '.join(missing)} not set: {HOST_ENV}, {PORT_ENV} and {FROM_ENV} turn "
            "sending on together (set all three, or none to send nothing)"
        )
    assert host is not None and port is not None and sender is not None
    tls = (_value(env, TLS_ENV) or "starttls").lower()
    if tls not in TLS_MODES:
        raise SmtpSettingsError(
            f"{TLS_ENV}={tls!r} is not one of {', '.join(TLS_MODES)} (starttls is the default)"
        )
    return SmtpSettings(
        host=host,
        port=_port(port),
        sender=sender,
        user=_value(env, USER_ENV),
        password=_value(env, PASSWORD_ENV, strip=False),  # a password may end in a space
        tls=tls,  # type: ignore[arg-type]
        office_to=_value(env, OFFICE_TO_ENV),
    )


# ---------------------------------------------------------------------------------- mails


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str  # plain text, Vietnamese
    attachments: tuple[Path, ...]  # attached with their MIME type and file names
    content_key: str  # digest of the rows the mail reports (the caller computes it)
    kind: str  # "agency" | "office"
    plan_id: str | None = None
    agency_id: str | None = None

    def __post_init__(self) -> None:
        if not self.to:
            raise ValueError("a mail needs at least one recipient")
        if self.kind not in MAIL_KINDS:
            raise ValueError(f"mail kind {self.kind!r} is not one of {', '.join(MAIL_KINDS)}")
        if not self.content_key:
            raise ValueError("a mail needs a content_key (a digest of the rows it reports)")


def normalized_recipients(mail: Mail) -> list[str]:
    """The recipients as the log compares them: stripped, lowercased, sorted, once each."""
    return sorted({address.strip().lower() for address in mail.to})


def mail_key(mail: Mail) -> str:
    """What the sent log keys on: the recipients (sorted, lowercased) and the content key."""
    payload = json.dumps(
        {"to": normalized_recipients(mail), "content_key": mail.content_key},
        sort_keys=True,
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def attachment_type(path: Path) -> tuple[str, str]:
    """(maintype, subtype) of a file to attach, by its suffix."""
    known = _MIME_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed and "/" in guessed:
        maintype, subtype = guessed.split("/", 1)
        return maintype, subtype
    return "application", "octet-stream"


def encoded_header(name: str, text: str) -> str:
    """A non-ASCII header value as RFC 2047 encoded words, folded by `email.header`.

    The folder of the modern email API (CPython 3.11) drops the space between an ASCII word and
    the encoded word after it ("Công an tỉnh" arrives as "Công antỉnh"): such values are
    encoded here and stored as they are (`set_raw`)."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"the {name} header holds a line break")
    return Header(text, "utf-8", header_name=name).encode()


def sender_header(sender: str) -> str:
    """The From header: `Name <address>`, a Vietnamese name as encoded words."""
    name, address = parseaddr(sender)
    if name.isascii():
        return formataddr((name, address))
    header = Header(name, "utf-8", header_name="From")
    header.append(f"<{address}>", "us-ascii")
    return header.encode()


def build_message(mail: Mail, sender: str, now: datetime) -> EmailMessage:
    """The message of a mail: UTF-8 subject and body, attachments under their own names.

    ValueError for a recipient that is not an address or a header with a line break; OSError
    for an attachment that cannot be read."""
    bad = [address for address in mail.to if not is_address(address.strip())]
    if bad:
        raise ValueError(f"not an e-mail address: {', '.join(bad)}")
    message = EmailMessage()
    message.set_raw("From", sender_header(sender))
    message["To"] = ", ".join(recipients_of(mail))
    if mail.subject.isascii():
        message["Subject"] = mail.subject
    else:
        message.set_raw("Subject", encoded_header("Subject", mail.subject))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2])
    message["X-Plan389-Content-Key"] = mail.content_key
    message.set_content(mail.body, charset="utf-8", cte="quoted-printable")
    for path in mail.attachments:
        maintype, subtype = attachment_type(path)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def recipients_of(mail: Mail) -> list[str]:
    """The mail's recipients as sent: stripped, in order."""
    return [address.strip() for address in mail.to]


# ------------------------------------------------------------------------------- sent log


class SentLog:
    """The mails sent, one JSON line each, keyed by `mail_key`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._stamp: tuple[int, int, int] | None = None
        self._keys: set[str] = set()

    @classmethod
    def for_data_dir(cls, root: Path) -> SentLog:
        """The log under `<root>/state/`, creating the folder."""
        folder = DataPaths(Path(root)).state
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder / SENT_LOG_FILE)

    def entries(self) -> list[dict]:
        """Every readable record, in the order written (a torn line is skipped)."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        found: list[dict] = []
        for line in text.splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                    found.append(entry)
        return found

    def _sent_keys(self) -> set[str]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return set()
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if stamp != self._stamp:  # read again only when the file changed
            self._keys = {entry["key"] for entry in self.entries()}
            self._stamp = stamp
        return self._keys

    def was_sent(self, mail: Mail) -> bool:
        """True when a mail with the same recipients and content key was sent."""
        return mail_key(mail) in self._sent_keys()

    def record(self, mail: Mail, when: datetime) -> None:
        """Append the mail's record: one write of one line, fsync'd."""
        entry = {
            "key": mail_key(mail),
            "content_key": mail.content_key,
            "to": normalized_recipients(mail),
            "kind": mail.kind,
            "plan_id": mail.plan_id,
            "agency_id": mail.agency_id,
            "subject": mail.subject,
            "attachments": [path.name for path in mail.attachments],
            "sent_at": when.isoformat(),
        }
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            data = (b"\n" if _ends_torn(self.path) else b"") + line.encode("utf-8")
            while data:
                data = data[os.write(handle, data) :]
            os.fsync(handle)
        finally:
            os.close(handle)

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
        """Hold the log's lock file (beside it; not the warehouse's writer lock)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{self.path}.lock", timeout=timeout):
            yield


def _ends_torn(path: Path) -> bool:
    """True when the file's last line lacks its newline (a write cut short by a crash)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


# -------------------------------------------------------------------------------- sending


@dataclass
class SendReport:
    sent: list[Mail]
    skipped: list[Mail]  # already sent with the same content_key to the same recipients
    failed: list[tuple[Mail, str]]  # mail, error text
    # Sent (and recorded) although the server refused some recipients: mail, those refused.
    refused: list[tuple[Mail, tuple[str, ...]]] = field(default_factory=list)


class _ConnectionFailed(Exception):
    """No usable SMTP session: every mail still to send fails with this reason."""


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {_decoded(reply)})"
            for address, (code, reply) in exc.recipients.items()
        )
        return f"the server refused every recipient: {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_decoded(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _decoded(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _open_session(settings: SmtpSettings, context: ssl.SSLContext | None) -> smtplib.SMTP:
    """A connected, TLS-protected (unless `none`) and logged-in (when a user is set) session."""
    where = f"{settings.host}:{settings.port}"
    context = context or ssl.create_default_context()
    try:
        if settings.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    except (OSError, smtplib.SMTPException) as exc:
        raise _ConnectionFailed(f"cannot connect to {where}: {_error_text(exc)}") from exc
    try:
        smtp.ehlo()
        if settings.tls == "starttls":
            if not smtp.has_extn("starttls"):
                raise _ConnectionFailed(
                    f"the SMTP server {where} does not offer STARTTLS, which {TLS_ENV}=starttls "
                    f"(the default) requires: nothing was sent (use {TLS_ENV}=ssl for a server "
                    "that speaks TLS from the start, or none only for a loopback or internal "
                    "relay)"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user is not None:
            if settings.tls == "none":  # settings refuse this; never send credentials in clear
                raise _ConnectionFailed("credentials are never sent without TLS")
            smtp.login(settings.user, settings.password or "")
    except _ConnectionFailed:
        _close(smtp)
        raise
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise _ConnectionFailed(f"SMTP session with {where} failed: {_error_text(exc)}") from exc
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _pending(mails: Sequence[Mail], log: SentLog, report: SendReport) -> list[Mail]:
    """The mails to send: not in the log, nor twice in this batch; the others are skipped."""
    pending: list[Mail] = []
    keys: set[str] = set()
    for mail in mails:
        key = mail_key(mail)
        if key in keys or log.was_sent(mail):
            report.skipped.append(mail)
        else:
            keys.add(key)
            pending.append(mail)
    return pending


def send_mails(
    mails: Sequence[Mail],
    settings: SmtpSettings,
    log: SentLog,
    now: datetime | None = None,
    *,
    context: ssl.SSLContext | None = None,
) -> SendReport:
    """Send the mails not sent before over one SMTP connection; record each one the server
    accepted. A mail that fails does not stop the others; when no session can be had (server
    down, no STARTTLS, login refused) every mail still to send fails with the reason.

    `context` verifies the server's certificate (default: the system's trusted CAs)."""
    now = now or datetime.now(UTC)
    report = SendReport(sent=[], skipped=[], failed=[])
    with log.locked():
        ready: list[tuple[Mail, EmailMessage]] = []
        for mail in _pending(mails, log, report):
            try:
                ready.append((mail, build_message(mail, settings.sender, now)))
            except (ValueError, OSError) as exc:
                report.failed.append((mail, f"the mail cannot be built: {_error_text(exc)}"))
        smtp: smtplib.SMTP | None = None
        try:
            for index, (mail, message) in enumerate(ready):
                try:
                    smtp = smtp or _open_session(settings, context)
                except _ConnectionFailed as exc:
                    report.failed += [(later, str(exc)) for later, _ in ready[index:]]
                    break
                try:
                    refused = smtp.send_message(
                        message, from_addr=settings.sender_address, to_addrs=recipients_of(mail)
                    )
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    report.failed.append((mail, _error_text(exc)))
                    smtp.close()
                    smtp = None  # the connection is gone: the next mail opens a new session
                    continue
                except smtplib.SMTPException as exc:  # this mail refused; the session goes on
                    report.failed.append((mail, _error_text(exc)))
                    continue
                log.record(mail, now)
                report.sent.append(mail)
                if refused:
                    report.refused.append((mail, tuple(sorted(refused))))
        finally:
            if smtp is not None:
                _close(smtp)
    return report
