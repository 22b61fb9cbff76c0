"""The applicant of a dossier as any door hands it over (a form, the API, an import):
normalised on creation as core.validators spells people's data, and checked once more
by the intake services before anything is stored."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core.validators import (
    normalise_id_number,
    normalise_name,
    normalise_phone,
    validate_citizen_id,
    validate_name,
    validate_phone,
    validate_tax_code,
)

from .models import ApplicantKind


def applicant_id_validator(kind):
    """Citizens give their 12-digit CCCD (the 9-digit CMND expired in 2025; a person's tax
    code is their CCCD number); organisations their tax code, 10 digits or 13 for a
    branch."""
    return validate_tax_code if kind == ApplicantKind.ORGANISATION else validate_citizen_id


@dataclass(frozen=True)
class Refusal:
    field: str  # the Dossier field, e.g. "applicant_phone"
    message: str


@dataclass
class Applicant:
    name: str
    phone: str
    id_number: str = ""
    email: str = ""
    address: str = ""
    kind: str = ApplicantKind.PERSON

    @classmethod
    def from_form(cls, data):
        """The applicant from a form's ``applicant_*`` fields (the citizen's filing has no
        kind: a citizen files as a person)."""
        return cls(
            name=data["applicant_name"],
            phone=data["applicant_phone"],
            id_number=data["applicant_id_number"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            kind=data.get("applicant_kind") or ApplicantKind.PERSON,
        )

    def __post_init__(self):
        self.name = normalise_name(self.name)
        self.phone = normalise_phone(self.phone)
        self.id_number = normalise_id_number(self.id_number)
        self.email = (self.email or "").strip()
        self.address = (self.address or "").strip()

    def refusal(self):
        """The first value that may not be stored, as a Refusal, or None."""
        checks = [
            ("applicant_name", validate_name, self.name),
            ("applicant_phone", validate_phone, self.phone),
        ]
        if self.id_number:
            checks.append(
                ("applicant_id_number", applicant_id_validator(self.kind), self.id_number)
            )
        for field_name, validator, value in checks:
            try:
                validator(value)
            except ValidationError as error:
                return Refusal(field_name, error.messages[0])
        return None
