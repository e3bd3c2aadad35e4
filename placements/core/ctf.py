"""Reading a DfE Common Transfer File (CTF): `CTfile` → `Header` (`SourceSchool`: `LEA`, `Estab`,
`SchoolName`) and `CTFpupilData/Pupil` (`UPN`, `Surname`, `Forename`, `DOB`, `Sex` — `Gender` in
older files —, `BasicDetails/NCyearActual`, `SENhistory`, `LookedAfter/InCare`). The XML is parsed
with defusedxml: a CTF comes from outside, so entity expansion and external entities are refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from placements.core import rules


class CtfFileError(ValueError):
    """The file is not a CTF we can read; nothing was changed."""


# Census SEN provision codes: E EHC plan, K SEN support, N none; S (statement) became an EHC plan,
# A and P (School Action, Action Plus) became SEN support in 2014.
SEN_PROVISION = {
    "E": "ehcp",
    "S": "ehcp",
    "K": "sen_support",
    "A": "sen_support",
    "P": "sen_support",
    "N": "none",
}
SEN_LABELS = {"ehcp": "EHC plan", "sen_support": "SEN support", "none": "None"}
SEX = {"M": "Male", "F": "Female", "U": "Unknown", "W": "Withheld"}


@dataclass(frozen=True)
class SourceSchool:
    lea: str = ""
    estab: str = ""
    name: str = ""

    def __str__(self):
        code = f"{self.lea}/{self.estab}" if self.lea or self.estab else ""
        return f"{self.name} ({code})" if self.name and code else self.name or code


@dataclass
class CtfPupil:
    position: int  # 1-based, in the file's order
    upn: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    sex: str  # read from Sex, or Gender in older files; not stored
    year_group: int | None
    sen_status: str
    looked_after: bool
    problems: list[str] = field(default_factory=list)

    @property
    def sen_label(self) -> str:
        return SEN_LABELS[self.sen_status]

    @property
    def fields(self) -> dict:
        return {
            "upn": self.upn,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "date_of_birth": self.date_of_birth,
            "year_group": self.year_group,
            "sen_status": self.sen_status,
            "looked_after": self.looked_after,
        }


@dataclass(frozen=True)
class Ctf:
    source: SourceSchool
    pupils: list[CtfPupil]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespaces(root: Element) -> None:
    for element in root.iter():
        element.tag = _local(element.tag)


def _text(element: Element | None, *paths: str) -> str:
    """The first non-empty text among `paths` (direct children first, then BasicDetails/…)."""
    if element is None:
        return ""
    for path in paths:
        found = element.find(path)
        if found is not None and (found.text or "").strip():
            return found.text.strip()
    return ""


def _sen_status(pupil: Element, problems: list[str]) -> str:
    """The latest SEN provision in SENhistory (by StartDate where given, else the last listed)."""
    history = pupil.find("SENhistory")
    if history is None:
        return "none"
    entries = []
    for index, provision in enumerate(history.iter("SENprovision")):
        code = (provision.text or "").strip().upper()
        if code:
            entries.append((index, code))
    starts = [(s.text or "").strip() for s in history.iter("StartDate")]
    if not entries:
        return "none"
    if len(starts) == len(entries) and all(starts):
        code = max(zip(starts, [c for _, c in entries], strict=True))[1]
    else:
        code = entries[-1][1]
    if code not in SEN_PROVISION:
        problems.append(f"Unknown SEN provision “{code}”: use E, K or N.")
        return "none"
    return SEN_PROVISION[code]


def _looked_after(pupil: Element, problems: list[str]) -> bool:
    text = _text(pupil, "LookedAfter/InCare").lower()
    if text in ("", "false", "0", "n", "no"):
        return False
    if text in ("true", "1", "y", "yes"):
        return True
    problems.append(f"LookedAfter/InCare “{text}” is not true or false.")
    return False


def _read_pupil(position: int, pupil: Element) -> CtfPupil:
    problems: list[str] = []

    def text(name):
        return _text(pupil, name, f"BasicDetails/{name}")

    upn = text("UPN").upper()
    if not upn:
        problems.append("The pupil has no UPN.")
    else:
        problem = rules.upn_problem(upn)
        if problem:
            problems.append(problem)
    first_name, last_name = text("Forename"), text("Surname")
    if not first_name:
        problems.append("The pupil has no forename.")
    if not last_name:
        problems.append("The pupil has no surname.")
    dob_text = text("DOB")
    try:
        dob = date.fromisoformat(dob_text) if dob_text else None
    except ValueError:
        dob = None
    if dob is None:
        problems.append(
            f"DOB “{dob_text}” is not a date (YYYY-MM-DD)." if dob_text else "The pupil has no DOB."
        )
    sex_code = (text("Sex") or text("Gender")).upper()
    year_text = text("NCyearActual")
    year_group = int(year_text) if year_text.isdigit() else None
    if year_group is None or not 7 <= year_group <= 13:
        problems.append(f"NCyearActual “{year_text}” is not a year group from 7 to 13.")
        year_group = None
    return CtfPupil(
        position=position,
        upn=upn,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=dob,
        sex=SEX.get(sex_code, sex_code),
        year_group=year_group,
        sen_status=_sen_status(pupil, problems),
        looked_after=_looked_after(pupil, problems),
        problems=problems,
    )


def read_ctf(data: bytes) -> Ctf:
    """The source school and every pupil, each with the problems that stop it being imported."""
    if not data.strip():
        raise CtfFileError("The file is empty.")
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise CtfFileError(f"The file is not a CTF: it could not be read as XML ({exc}).") from exc
    _strip_namespaces(root)
    if root.tag != "CTfile":
        raise CtfFileError(f"The file is not a CTF: it starts with <{root.tag}>, not <CTfile>.")
    source = root.find("Header/SourceSchool")
    pupils = root.findall("CTFpupilData/Pupil")
    if not pupils:
        raise CtfFileError("The CTF has no pupils in it (CTFpupilData/Pupil).")
    return Ctf(
        source=SourceSchool(
            lea=_text(source, "LEA"), estab=_text(source, "Estab"), name=_text(source, "SchoolName")
        ),
        pupils=[_read_pupil(position, pupil) for position, pupil in enumerate(pupils, start=1)],
    )
