"""Every enrollment field is checked, and all problems are named at once."""

from datetime import datetime, timedelta

import pytest

from recovery.patients.validation import EnrollmentRequest, InvalidRequest, check_request

GOOD = {
    "name": "Maria Lopez",
    "phone": "+15625550123",
    "performed_at": "2026-11-23T09:30:00-08:00",
    "sms_consent": True,
}


def check(**changes: object):  # type: ignore[no-untyped-def]
    return check_request(
        EnrollmentRequest(**{**GOOD, **changes}), default_timezone="America/Chicago"
    )


def problems(**changes: object) -> dict[str, str]:
    with pytest.raises(InvalidRequest) as caught:
        check(**changes)
    return caught.value.fields


def test_good_request_gets_defaults_for_what_it_leaves_out() -> None:
    clean = check()
    assert clean.language == "en"
    assert clean.timezone == "America/Chicago"
    assert clean.protocol == "vertebroplasty"
    assert clean.procedure_kind == "vertebroplasty"
    assert clean.baseline_pain is None
    assert clean.first_name == "Maria"


@pytest.mark.parametrize(
    "phone",
    [
        "+15625550123",
        "(562) 555-0123",
        "562.555.0123",
        "562-555-0123",
        "1 562 555 0123",
        " +1 (562) 555 0123 ",
        "5625550123",
    ],
)
def test_phone_in_any_common_format_becomes_e164(phone: str) -> None:
    assert check(phone=phone).phone == "+15625550123"


def test_foreign_phone_with_country_code_is_kept() -> None:
    assert check(phone="+34 612 345 678").phone == "+34612345678"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"phone": "12345"}, "patient.phone", "not a valid phone number"),
        ({"phone": "call me"}, "patient.phone", "not a valid phone number"),
        ({"phone": ""}, "patient.phone", "required"),
        ({"phone": 5625550123}, "patient.phone", "required"),
        ({"name": ""}, "patient.name", "required"),
        ({"name": "   "}, "patient.name", "required"),
        ({"name": "x" * 201}, "patient.name", "200"),
        ({"name": None}, "patient.name", "required"),
        ({"language": "fr"}, "patient.language", "en or es"),
        ({"timezone": "Mars/Olympus"}, "patient.timezone", "IANA"),
        ({"timezone": "../../etc/passwd"}, "patient.timezone", "IANA"),
        ({"timezone": "PST"}, "patient.timezone", "IANA"),
        ({"timezone": "PST"}, "patient.timezone", "such as America/Los_Angeles"),
        ({"timezone": "EST"}, "patient.timezone", "such as America/New_York"),
        ({"timezone": "US/Eastern"}, "patient.timezone", "'US/Eastern' is a legacy zone name"),
        ({"timezone": "US/Pacific"}, "patient.timezone", "such as America/Los_Angeles"),
        ({"timezone": "GMT+5"}, "patient.timezone", "use an Area/Location name"),
        ({"timezone": "Etc/GMT+5"}, "patient.timezone", "legacy zone name"),
        ({"timezone": "UTC"}, "patient.timezone", "legacy zone name"),
        ({"sms_consent": False}, "patient.sms_consent", "agree"),
        ({"sms_consent": None}, "patient.sms_consent", "required"),
        ({"sms_consent": "maybe"}, "patient.sms_consent", "yes or no"),
        ({"performed_at": "2026-11-23T09:30:00"}, "procedure.performed_at", "offset"),
        ({"performed_at": "yesterday"}, "procedure.performed_at", "ISO 8601"),
        ({"performed_at": ""}, "procedure.performed_at", "required"),
        ({"performed_at": 1732000000}, "procedure.performed_at", "required"),
        ({"performed_at": "1926-11-23T09:30:00-08:00"}, "procedure.performed_at", "plausible"),
        ({"baseline_pain": 11}, "procedure.baseline_pain", "0 to 10"),
        ({"baseline_pain": -1}, "procedure.baseline_pain", "0 to 10"),
        ({"baseline_pain": 7.5}, "procedure.baseline_pain", "whole number"),
        ({"baseline_pain": "eight"}, "procedure.baseline_pain", "whole number"),
        ({"baseline_pain": True}, "procedure.baseline_pain", "whole number"),
        ({"procedure_kind": "appendectomy"}, "procedure.kind", "vertebroplasty"),
        ({"mrn": "M" * 65}, "patient.mrn", "64"),
        ({"levels": ["T12"]}, "procedure.levels", "text"),
        ({"protocol": 7}, "protocol", "name of a protocol"),
    ],
)
def test_bad_field_is_named_with_its_reason(changes: dict, field: str, words: str) -> None:
    assert words in problems(**changes)[field]


def test_every_bad_field_is_reported_together() -> None:
    found = problems(phone="nope", name="", performed_at="soon", sms_consent=False)
    assert set(found) == {
        "patient.phone",
        "patient.name",
        "procedure.performed_at",
        "patient.sms_consent",
    }


@pytest.mark.parametrize(
    ("given", "language"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("Spanish", "es"),
        ("español", "es"),
        ("english", "en"),
        ("", "en"),
    ],
)
def test_language_names_are_understood(given: str, language: str) -> None:
    assert check(language=given).language == language


@pytest.mark.parametrize(
    ("given", "pain"), [(0, 0), (10, 10), ("8", 8), (" 3 ", 3), (None, None), ("", None), (6.0, 6)]
)
def test_baseline_pain_accepts_whole_numbers_zero_to_ten(given: object, pain: int | None) -> None:
    assert check(baseline_pain=given).baseline_pain == pain


@pytest.mark.parametrize("consent", [True, "yes", "YES", "y", "true", "1", "sí"])
def test_consent_yes_in_its_usual_spellings(consent: object) -> None:
    assert check(sms_consent=consent).name == "Maria Lopez"


def test_utc_z_suffix_is_an_offset() -> None:
    performed = check(performed_at="2026-11-23T17:30:00Z").performed_at
    assert performed.utcoffset() == timedelta(0)
    assert performed == datetime.fromisoformat("2026-11-23T09:30:00-08:00")


def test_name_whitespace_is_tidied() -> None:
    assert check(name="  Maria   Lopez ").name == "Maria Lopez"
