"""The agency contact file `raw/agencies.xlsx`: who receives each agency's follow-up mail.

The file is read like the report workbooks (`read_sheets`: hostile files are refused before
calamine reads them). Every sheet whose header row (found anywhere in the first rows, matched
ignoring case, diacritics, spacing and a trailing parenthesis) names an agency column and an
e-mail column is read; other columns are ignored.

- Tên cơ quan (also "Cơ quan", "Đơn vị", "Tên đơn vị"): the agency as people write it.
- Email (also "E-mail", "Thư điện tử", "Địa chỉ email"): one address, or several separated by
  `;`, `,` or line breaks. Each address gives its own `Contact` (group them per agency with
  `recipients`); a bad address is flagged and the row's other addresses are kept.
- Mã kế hoạch (optional): the plan the row is for; it must be a known plan.

Rows are validated with a pandera model (`ContactRowSchema`): name and e-mail required, the
e-mail's shape, the plan known. Then each name is resolved to an agency id the way ingestion
resolves a workbook's "Đơn vị báo cáo" (`resolve_agency` in the plan's locality), or by the
exact name a plan prints (after folding case and diacritics):

- with Mã kế hoạch, in that plan: one contact, if the plan names the agency;
- without it, in every plan: one contact for each plan that names the agency. A name that
  means different agencies in different plans ("Công an tỉnh" is every province's police) is
  flagged as ambiguous: add the place ("Công an tỉnh Thanh Hóa") or the Mã kế hoạch.

A name no plan names, or a collective ("Các sở, ban, ngành"), is flagged, never guessed: no
matching beyond what `resolve_agency` does. The same (plan, agency, address) twice is flagged
on its later row. Problems carry the Excel row, the column's header and reasons in Vietnamese
and English; a file that cannot be used at all gives one problem with `row` None.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandera.errors
import pandera.polars as pa
import polars as pl

from pipelines.follow_up.mail import ADDRESS_PATTERN, split_addresses
from pipelines.plans.agencies import is_collective, resolve_agency
from pipelines.plans.text import fold
from pipelines.reports.normalize import clean
from pipelines.reports.reader import WorkbookError, read_sheets
from pipelines.reports.sheets import HEADER_SEARCH_ROWS, column_key
from pipelines.settings import DataPaths

# column → (header shown in problems, headers accepted)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "agency_name": (
        "Tên cơ quan",
        (
            "Tên cơ quan",
            "Cơ quan",
            "Đơn vị",
            "Tên đơn vị",
            "Cơ quan, đơn vị",
            "Tên cơ quan, đơn vị",
        ),
    ),
    "email": (
        "Email",
        ("Email", "E-mail", "Thư điện tử", "Địa chỉ email", "Địa chỉ thư điện tử"),
    ),
    "plan_id": ("Mã kế hoạch", ("Mã kế hoạch",)),
}
REQUIRED_COLUMNS = ("agency_name", "email")
_HEADER_KEYS = {
    column_key(alias): key for key, (_, aliases) in COLUMNS.items() for alias in aliases
}
PLAN_AGENCY_COLUMNS = ("plan_id", "agency_id", "agency_name", "locality_code", "level")

RULES: dict[str, tuple[str, str]] = {
    # rule: (reason vi, reason en)
    "required": ("Thiếu giá trị bắt buộc", "A required value is missing"),
    "invalid_email": ("Địa chỉ thư điện tử không hợp lệ", "Not an e-mail address"),
    "unknown_plan": ("Mã kế hoạch không có trong các kế hoạch", "Unknown plan (Mã kế hoạch)"),
    "unknown_agency": (
        "Không tìm thấy cơ quan trong kế hoạch nào",
        "No plan names this agency",
    ),
    "agency_not_in_plan": (
        "Không tìm thấy cơ quan trong kế hoạch {plan}",
        "Plan {plan} does not name this agency",
    ),
    "ambiguous_agency": (
        "Tên cơ quan ứng với nhiều cơ quan khác nhau ({plans}): ghi rõ tỉnh, xã, phường hoặc Mã "
        "kế hoạch",
        "The name means different agencies in plans {plans}: add the province, commune or ward, "
        "or a Mã kế hoạch",
    ),
    "collective": (
        "Tên chỉ một nhóm cơ quan, không phải một cơ quan",
        "The name is a group of agencies, not one agency",
    ),
    "duplicate": (
        "Trùng với dòng {first}: cùng cơ quan, kế hoạch và địa chỉ",
        "Same agency, plan and address as row {first}",
    ),
    "header_not_found": (
        "Không tìm thấy dòng tiêu đề có cột Tên cơ quan và Email",
        "No sheet has a header row with the columns Tên cơ quan and Email",
    ),
    "unreadable_file": (
        "Không đọc được tệp danh bạ: {reason}",
        "The file cannot be used: {reason}",
    ),
}


@dataclass(frozen=True)
class Contact:
    plan_id: str
    agency_id: str
    agency_name: str  # as the plan names it
    email: str  # one address


@dataclass
class ContactsResult:
    contacts: list[Contact]
    # {"sheet", "row" (Excel row; None: the whole file), "column" (header), "value", "rule",
    #  "reason_vi", "reason_en"}
    problems: list[dict] = field(default_factory=list)


class ContactRowSchema(pa.DataFrameModel):
    """One address of one row of the contact file, with `plan_known` computed from the plans."""

    row_number: int = pa.Field(ge=1)
    agency_name: str = pa.Field(nullable=False)
    email: str = pa.Field(nullable=False, str_matches=ADDRESS_PATTERN)
    plan_id: str = pa.Field(nullable=True)
    plan_known: bool

    class Config:
        strict = False

    @pa.dataframe_check(error="unknown_plan")
    def known_plan(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("plan_id").is_null() | pl.col("plan_known"))


def contacts_path(paths: DataPaths) -> Path:
    """Where the contact file is: `<data dir>/raw/agencies.xlsx`."""
    return paths.contacts


def problem(
    rule: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    **details: str,
) -> dict:
    """A problem row, its reasons filled in from RULES."""
    vi, en = RULES[rule]
    return {
        "sheet": sheet,
        "row": row,
        "column": COLUMNS[column][0] if column in COLUMNS else column,
        "value": value,
        "rule": rule,
        "reason_vi": vi.format(**details),
        "reason_en": en.format(**details),
    }


# ---------------------------------------------------------------------------- the sheets


def locate_columns(frame: pl.DataFrame) -> tuple[int | None, dict[str, int]]:
    """(frame row index of the header, column → frame column index): the first of the top
    rows naming both required columns."""
    for index, row in enumerate(frame.head(HEADER_SEARCH_ROWS).iter_rows()):
        mapping: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = _HEADER_KEYS.get(column_key(cell))
            if key is not None and key not in mapping:
                mapping[key] = position
        if all(key in mapping for key in REQUIRED_COLUMNS):
            return index, mapping
    return None, {}


def sheet_rows(sheet: str, frame: pl.DataFrame) -> list[dict] | None:
    """The filled rows under the sheet's header (`sheet`, `row_number` and each column's
    cleaned text); None when the sheet has no header."""
    header, mapping = locate_columns(frame)
    if header is None:
        return None
    rows: list[dict] = []
    for offset, cells in enumerate(frame.slice(header + 1).iter_rows()):
        values = {key: clean(cells[position]) for key, position in mapping.items()}
        if any(values.values()):
            values.setdefault("plan_id", None)
            rows.append({"sheet": sheet, "row_number": header + offset + 2, **values})
    return rows


def address_rows(rows: Iterable[dict], plans: Iterable[str]) -> pl.DataFrame:
    """One row per address (an empty e-mail cell keeps one row, its e-mail null); plan ids
    lowercased as ingestion does, `plan_known` added."""
    known = set(plans)
    out: list[dict] = []
    for row in rows:
        plan_id = row["plan_id"].strip().lower() if row["plan_id"] else None
        for address in split_addresses(row["email"]) or [None]:
            out.append(row | {"email": address, "plan_id": plan_id, "plan_known": plan_id in known})
    schema = {
        "sheet": pl.String,
        "row_number": pl.Int64,
        "agency_name": pl.String,
        "email": pl.String,
        "plan_id": pl.String,
        "plan_known": pl.Boolean,
    }
    return pl.DataFrame(out, schema=schema, orient="row")


def schema_problems(frame: pl.DataFrame) -> dict[int, list[dict]]:
    """Frame row index → its problems under ContactRowSchema."""
    try:
        ContactRowSchema.validate(frame, lazy=True)
        return {}
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    found: dict[int, list[dict]] = {}
    for case in cases.iter_rows(named=True):
        index = case.get("index")
        if index is None:
            continue
        record = frame.row(index, named=True)
        check = str(case["check"])
        if check == "unknown_plan":
            rule, column = "unknown_plan", "plan_id"
        elif check.startswith("str_matches"):
            rule, column = "invalid_email", "email"
        else:  # not_nullable: a required value is missing
            rule, column = "required", case.get("column") or "*"
        where = {"sheet": record["sheet"], "row": record["row_number"]}
        found.setdefault(index, []).append(
            problem(rule, **where, column=column, value=record.get(column))
        )
    return found


# ---------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class PlanAgencies:
    """One plan as resolution needs it: its locality and the agencies it names."""

    plan_id: str
    locality_code: str | None
    level: str | None
    agencies: dict[str, str]  # agency_id → name
    names: dict[str, str]  # folded name → agency_id


def plans_from_frame(plan_agencies: pl.DataFrame) -> dict[str, PlanAgencies]:
    """plan_id → its PlanAgencies, from rows (plan_id, agency_id, agency_name, locality_code,
    level)."""
    lacking = [c for c in PLAN_AGENCY_COLUMNS if c not in plan_agencies.columns]
    if lacking:
        raise ValueError(f"plan_agencies lacks the columns {', '.join(lacking)}")
    plans: dict[str, PlanAgencies] = {}
    rows = plan_agencies.select(PLAN_AGENCY_COLUMNS).unique(maintain_order=True)
    for plan_id, agency_id, name, locality_code, level in rows.iter_rows():
        plan = plans.setdefault(plan_id, PlanAgencies(plan_id, locality_code, level, {}, {}))
        plan.agencies.setdefault(agency_id, name or agency_id)
        if name:
            plan.names.setdefault(fold(name), agency_id)
    return plans


@dataclass(frozen=True)
class Resolution:
    """A name resolved: (plan_id, agency_id) pairs, or the rule it breaks (and details)."""

    matches: tuple[tuple[str, str], ...] = ()
    rule: str | None = None
    details: tuple[tuple[str, str], ...] = ()


def resolve_in_plan(name: str, plan: PlanAgencies) -> str | None:
    """The id of the agency `name` means in the plan, if the plan names it; else None."""
    agency = resolve_agency(name, plan.locality_code, plan.level)
    if agency.is_group:
        return None
    if agency.agency_id in plan.agencies:
        return agency.agency_id
    return plan.names.get(fold(name))


def plan_index(plans: dict[str, PlanAgencies]) -> dict[str, set[str]]:
    """Agency slug (its id after the locality) or folded name → the plans naming it: a name
    without a plan is resolved only in the plans that could name it (resolving in each of a
    national set's ~3,400 plans takes seconds a name)."""
    index: dict[str, set[str]] = {}
    for plan in plans.values():
        for key in (*(a.partition(":")[2] for a in plan.agencies), *plan.names):
            index.setdefault(key, set()).add(plan.plan_id)
    return index


def resolve_name(
    name: str,
    plan_id: str | None,
    plans: dict[str, PlanAgencies],
    index: dict[str, set[str]] | None = None,
) -> Resolution:
    """Resolve a contact's agency name in its plan, or in every plan when it names none
    (those `index`, see plan_index, says could name it)."""
    if is_collective(name):
        return Resolution(rule="collective")
    if plan_id is not None:
        found = resolve_in_plan(name, plans[plan_id])
        if found is None:
            return Resolution(rule="agency_not_in_plan", details=(("plan", plan_id),))
        return Resolution(matches=((plan_id, found),))
    if index is None:
        candidates = list(plans)
    else:
        slug = resolve_agency(name, None).agency_id.partition(":")[2]
        wanted = index.get(slug, set()) | index.get(fold(name), set())
        candidates = [p for p in plans if p in wanted]
    matches = [
        (plans[candidate].plan_id, found)
        for candidate in candidates
        if (found := resolve_in_plan(name, plans[candidate])) is not None
    ]
    if not matches:
        return Resolution(rule="unknown_agency")
    if len({agency_id for _, agency_id in matches}) > 1:
        listed = ", ".join(f"{plan} → {agency}" for plan, agency in matches)
        return Resolution(rule="ambiguous_agency", details=(("plans", listed),))
    return Resolution(matches=tuple(matches))


# ---------------------------------------------------------------------------- the file


def _file_problem(path: Path, reason: str) -> ContactsResult:
    return ContactsResult([], [problem("unreadable_file", value=path.name, reason=reason)])


def contacts_from_rows(rows: Sequence[dict], plans: dict[str, PlanAgencies]) -> ContactsResult:
    """Rows read from the sheets (see `sheet_rows`) → contacts and problems."""
    frame = address_rows(rows, plans)
    failed = schema_problems(frame)
    result = ContactsResult([], [])
    seen: dict[tuple[str, str, str], tuple[int, int]] = {}  # (plan, agency, address) → first
    resolved: dict[tuple[str, str | None], Resolution] = {}
    naming = plan_index(plans)
    for index, row in enumerate(frame.iter_rows(named=True)):
        if index in failed:
            result.problems += failed[index]
            continue
        name, plan_id, email = row["agency_name"], row["plan_id"], row["email"]
        where = {"sheet": row["sheet"], "row": row["row_number"]}
        key = (fold(name), plan_id)
        if key not in resolved:
            resolved[key] = resolve_name(name, plan_id, plans, naming)
        resolution = resolved[key]
        if resolution.rule is not None:  # once per row: see _deduplicated
            details = dict(resolution.details)
            result.problems.append(
                problem(resolution.rule, **where, column="agency_name", value=name, **details)
            )
            continue
        for match_plan, agency_id in resolution.matches:
            first = seen.setdefault(
                (match_plan, agency_id, email.lower()), (row["row_number"], index)
            )
            if first[1] != index:
                result.problems.append(
                    problem("duplicate", **where, column="email", value=email, first=str(first[0]))
                )
                continue
            agency_name = plans[match_plan].agencies[agency_id]
            result.contacts.append(Contact(match_plan, agency_id, agency_name, email))
    result.problems = _deduplicated(result.problems)
    return result


def _deduplicated(problems: list[dict]) -> list[dict]:
    """Each (sheet, row, column, rule, value) once (a row's name problem repeats per address)."""
    seen: set[tuple] = set()
    kept: list[dict] = []
    for found in problems:
        key = (found["sheet"], found["row"], found["column"], found["rule"], str(found["value"]))
        if key not in seen:
            seen.add(key)
            kept.append(found)
    return kept


def read_contacts(path: Path, plan_agencies: pl.DataFrame) -> ContactsResult:
    """Read and validate the contact file against the plans' agencies.

    `plan_agencies`: every (plan, agency) the plans name, with the plan's `locality_code` and
    `level` (columns plan_id, agency_id, agency_name, locality_code, level)."""
    plans = plans_from_frame(plan_agencies)
    try:
        sheets = read_sheets(path)
    except WorkbookError as exc:
        return _file_problem(path, str(exc))
    except OSError as exc:
        return _file_problem(path, f"{exc.strerror or exc}")
    rows: list[dict] = []
    located = False
    for name, frame in sheets.items():
        found = sheet_rows(name, frame)
        if found is not None:
            located = True
            rows += found
    if not located:
        return ContactsResult([], [problem("header_not_found", value=path.name)])
    return contacts_from_rows(rows, plans)


def recipients(contacts: Iterable[Contact]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(plan_id, agency_id) → its addresses, in file order, each once (ignoring case)."""
    grouped: dict[tuple[str, str], dict[str, str]] = {}
    for contact in contacts:
        addresses = grouped.setdefault((contact.plan_id, contact.agency_id), {})
        addresses.setdefault(contact.email.lower(), contact.email)
    return {key: tuple(addresses.values()) for key, addresses in grouped.items()}
