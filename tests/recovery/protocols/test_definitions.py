"""The default protocol: its settings, its texts within their segment budgets, and versions."""

import copy
import json

import pytest
from sqlalchemy import select

from recovery.models import Protocol
from recovery.protocols.definitions import (
    LANGUAGES,
    PLACEHOLDERS,
    TEXT_KEYS,
    ProtocolError,
    default_definitions,
    latest_version,
    load_defaults,
    parse_definition,
    placeholder_problem,
    save_version,
    spec_of,
    used_step_keys,
)
from recovery.protocols.segments import encoding, segment_count
from recovery.protocols.wording import how_often
from recovery.runtime import utc_now
from tests.support.dates import D0

DEFAULT = next(d for d in default_definitions() if d["name"] == "vertebroplasty")
SAMPLE = {
    "first_name": "Guadalupe",
    "clinic_name": "Valley Spine Clinic",
    "clinic_phone": "+15625550100",
    "initials": "G.M.",
    "flag_url": "https://checkin.example.org/flags/12345",
    "texts_to_come": "2 times",
    "days_to_come": "the next 2 days",
}


def test_default_protocol_has_the_spec_schedule_and_thresholds() -> None:
    spec = parse_definition(DEFAULT)
    assert [(s.label, s.offset_hours) for s in spec.steps] == [("24h", 24), ("48h", 48)]
    assert spec.reminder_after_hours == 4
    assert spec.missed_after_reminder_hours == 4
    assert spec.latest_lateness_hours == 12
    assert (spec.window.start.isoformat(), spec.window.end.isoformat()) == ("09:00:00", "20:00:00")
    assert spec.validity_period_seconds == 3600
    assert spec.thresholds["severe_pain"] == 10
    assert spec.thresholds["persistent_pain"] == 7
    assert spec.thresholds["worsening_pain_points"] == 2
    assert spec.thresholds["not_improving_percent"] == 30


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", TEXT_KEYS)
def test_every_default_text_fits_its_segment_budget(language: str, key: str) -> None:
    text = parse_definition(DEFAULT).text(key, language, **SAMPLE)
    assert "{" not in text
    budget = 2 if language == "en" else 4
    assert segment_count(text) <= budget, (len(text), encoding(text))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("texts", "days"), [(1, 1), (2, 1), (2, 2), (9, 90)])
def test_the_welcome_fits_its_budget_whatever_is_still_to_come(
    language: str, texts: int, days: int
) -> None:
    values = {**SAMPLE, **how_often(language, texts, days)}
    text = parse_definition(DEFAULT).text("welcome", language, **values)
    assert "{" not in text
    assert segment_count(text) <= (2 if language == "en" else 4), (len(text), encoding(text))


@pytest.mark.parametrize(
    ("language", "texts", "days", "words"),
    [
        ("en", 2, 2, "We will text you 2 times over the next 2 days to ask"),
        ("en", 1, 1, "We will text you 1 time over the next day to ask"),
        ("es", 2, 2, "Le enviaremos 2 mensajes en los próximos 2 días para saber"),
        ("es", 1, 1, "Le enviaremos 1 mensaje en las próximas 24 horas para saber"),
    ],
)
def test_the_welcome_says_how_many_texts_are_still_to_come(
    language: str, texts: int, days: int, words: str
) -> None:
    values = {**SAMPLE, **how_often(language, texts, days)}
    assert words in parse_definition(DEFAULT).text("welcome", language, **values)


def test_check_in_text_is_the_spec_wording() -> None:
    text = parse_definition(DEFAULT).text("check_in", "en", **SAMPLE)
    assert text.startswith("Hi Guadalupe, this is Valley Spine Clinic checking on you")
    assert "Reply with ONE number from 0 (no pain) to 10 (worst pain imaginable)." in text


def test_spanish_check_in_uses_usted_and_the_number_scale() -> None:
    text = parse_definition(DEFAULT).text("check_in", "es", **SAMPLE)
    assert "Responda con UN número del 0 (nada de dolor) al 10" in text
    assert encoding(text) == "UCS-2"


def test_welcome_carries_the_carrier_required_words() -> None:
    text = parse_definition(DEFAULT).text("welcome", "en", **SAMPLE)
    assert "Reply STOP to opt out, HELP for help. Msg & data rates may apply." in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(steps=[]), "steps"),
        (lambda d: d["steps"][0].update(offset_hours=-3), "steps.0.offset_hours"),
        (lambda d: d.update(delivery_window={"start": "21:00", "end": "08:00"}), "delivery_window"),
        (lambda d: d["thresholds"].pop("persistent_pain"), "thresholds.persistent_pain"),
        (lambda d: d["texts"]["es"].pop("check_in"), "texts.es.check_in"),
        (lambda d: d.update(validity_period_seconds=0), "validity_period_seconds"),
    ],
)
def test_broken_definitions_are_refused_by_field(change, field) -> None:
    definition = copy.deepcopy(DEFAULT)
    change(definition)
    with pytest.raises(ProtocolError) as caught:
        parse_definition(definition)
    assert field in caught.value.fields


def test_saving_a_changed_definition_makes_a_new_version(runtime) -> None:
    with runtime.transaction() as session:
        first = latest_version(session, "vertebroplasty")
        assert first is not None and first.version == 1
        unchanged = save_version(session, copy.deepcopy(DEFAULT), actor="admin", now=utc_now())
        assert unchanged.id == first.id
        edited = copy.deepcopy(DEFAULT)
        edited["steps"] = [{"label": "12h", "offset_hours": 12}, *edited["steps"]]
        second = save_version(session, edited, actor="admin", now=utc_now())
        assert second.version == 2
    with runtime.sessions() as session:
        versions = session.scalars(select(Protocol.version).order_by(Protocol.version)).all()
        assert versions == [1, 2]


def test_enrollment_keeps_the_version_it_was_planned_with(client, auth, runtime) -> None:
    body = {
        "patient": {"name": "Ann Lee", "phone": "+14155552671", "sms_consent": True},
        "procedure": {"performed_at": f"{D0}T10:00:00-08:00"},
    }
    first = client.post("/api/v1/enrollments", json=body, headers=auth).get_json()
    edited = copy.deepcopy(DEFAULT)
    edited["steps"] = [{"label": "72h", "offset_hours": 72}]
    with runtime.transaction() as session:
        save_version(session, edited, actor="admin", now=utc_now())
    body["patient"]["phone"] = "+14155552672"
    second = client.post("/api/v1/enrollments", json=body, headers=auth).get_json()
    assert first["protocol_version"] == 1
    assert [c["label"] for c in first["check_ins"]] == ["24h", "48h"]
    assert second["protocol_version"] == 2
    assert [c["label"] for c in second["check_ins"]] == ["72h"]


@pytest.mark.parametrize(
    ("wording", "words"),
    [
        ("Hi {name}, how is your pain?", "uses {name}, which is not one of {first_name}"),
        ("Hi {first_name, how is your pain?", "does not close"),
        ("Pain today? }", "does not close"),
        ("Hi {0}", "uses {0}"),
        ("Hi {first_name.upper}", "uses {first_name.upper}"),
        ("Hi {first_name!r}", "write it plainly as {first_name}"),
        ("Hi {first_name:>40}", "write it plainly as {first_name}"),
    ],
)
def test_a_text_with_an_unknown_or_broken_placeholder_is_refused_by_field(
    wording: str, words: str
) -> None:
    definition = copy.deepcopy(DEFAULT)
    definition["texts"]["es"]["reminder_pain"] = wording
    with pytest.raises(ProtocolError) as caught:
        parse_definition(definition)
    assert words in caught.value.fields["texts.es.reminder_pain"]


@pytest.mark.parametrize("wording", ["Hi {first_name} from {clinic_name}", "Braces: {{ok}}"])
def test_known_placeholders_and_doubled_braces_are_taken(wording: str) -> None:
    definition = copy.deepcopy(DEFAULT)
    definition["texts"]["en"]["received"] = wording
    assert parse_definition(definition).texts["en"]["received"] == wording


def test_every_placeholder_of_the_default_texts_is_known() -> None:
    for language in LANGUAGES:
        for key in TEXT_KEYS:
            assert placeholder_problem(DEFAULT["texts"][language][key]) is None
    assert set(PLACEHOLDERS) == set(SAMPLE)


def test_a_protocol_file_with_an_unknown_placeholder_is_refused_naming_the_file(
    tmp_path, runtime
) -> None:
    definition = copy.deepcopy(DEFAULT)
    definition["name"] = "knee"
    definition["texts"]["en"]["check_in"] = "Hi {patient}, pain 0-10?"
    path = tmp_path / "knee.json"
    path.write_text(json.dumps(definition), "utf-8")
    with pytest.raises(ProtocolError) as caught, runtime.transaction() as session:
        load_defaults(session, now=utc_now(), directory=tmp_path)
    assert str(path) in str(caught.value)
    assert "texts.en.check_in: uses {patient}" in str(caught.value)
    with runtime.sessions() as session:
        assert latest_version(session, "knee") is None


def test_a_protocol_file_that_is_not_json_is_refused_naming_the_file(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", "utf-8")
    with pytest.raises(ProtocolError, match=r"broken\.json"):
        default_definitions(tmp_path)


def _with(change) -> dict:  # type: ignore[no-untyped-def, type-arg]
    definition = copy.deepcopy(DEFAULT)
    change(definition)
    return definition


def _window(start: str, end: str):  # type: ignore[no-untyped-def]
    return lambda d: d.update(delivery_window={"start": start, "end": end})


def _threshold(key: str, value: float):  # type: ignore[no-untyped-def]
    return lambda d: d["thresholds"].update({key: value})


def _text(language: str, key: str, wording: str):  # type: ignore[no-untyped-def]
    return lambda d: d["texts"][language].update({key: wording})


WELCOME_EN = (
    "Hi {first_name}, {clinic_name} will text you twice. Reply STOP to opt out, HELP for help."
)
WELCOME_ES = (
    "Hola {first_name}, le escribe {clinic_name}. "
    "Responda ALTO para no recibir más, AYUDA para ayuda."
)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (_window("07:30", "20:00"), "delivery_window", "must lie within 08:00-21:00"),
        (_window("09:00", "21:30"), "delivery_window", "must lie within 08:00-21:00"),
        (_window("09:00", "12:59"), "delivery_window", "at least 4 hours"),
        (_window("12:00", "10:00"), "delivery_window", "must start before it ends"),
        (lambda d: d["steps"][0].update(offset_hours=0.5), "steps.0.offset_hours", "1 hour"),
        (lambda d: d["steps"][1].update(offset_hours=2161), "steps.1.offset_hours", "90 days"),
        (lambda d: d["steps"][1].update(label="24H", key="b"), "steps.1.label", "another step"),
        (lambda d: d["steps"][1].update(key="24h"), "steps.1.key", "another step has this key"),
        (lambda d: d["steps"][1].update(key=" "), "steps.1.key", "must not be blank"),
        (lambda d: d["steps"][1].update(label="x" * 33), "steps.1.label", "at most 32"),
        (lambda d: d.update(reminder_after_hours=0.5), "reminder_after_hours", "at least 1 hour"),
        (lambda d: d.update(missed_after_reminder_hours=0), "missed_after_reminder_hours", "wait"),
        (lambda d: d.update(latest_lateness_hours=0.5), "latest_lateness_hours", "1 and 48"),
        (lambda d: d.update(latest_lateness_hours=49), "latest_lateness_hours", "1 and 48"),
        (_threshold("severe_pain", 11), "thresholds.severe_pain", "0 and 10 (the pain scale"),
        (_threshold("persistent_pain", -1), "thresholds.persistent_pain", "0 and 10"),
        (_threshold("worsening_pain_points", 0), "thresholds.worsening_pain_points", "1 and 10"),
        (
            _threshold("limited_mobility_activity", 5),
            "thresholds.limited_mobility_activity",
            "1 and 4",
        ),
        (_threshold("not_improving_percent", 0), "thresholds.not_improving_percent", "1 and 100"),
        (_threshold("not_improving_percent", 101), "thresholds.not_improving_percent", "1 and 100"),
        (_text("en", "welcome", "Hi {first_name}, we will text you."), "texts.en.welcome", "STOP"),
        (_text("en", "welcome", "Reply STOP to opt out."), "texts.en.welcome", "get help"),
        (
            _text("en", "welcome", "Reply stop to opt out, help for help."),
            "texts.en.welcome",
            "capitals",
        ),
        (
            _text("en", "welcome", "Reply ALTO to opt out, AYUDA for help."),
            "texts.en.welcome",
            "STOP",
        ),
        (_text("es", "welcome", "Responda ALTO para no recibir más."), "texts.es.welcome", "AYUDA"),
    ],
)
def test_a_setting_that_would_break_a_promise_is_refused_by_field(change, field, words) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_definition(_with(change))
    assert words in caught.value.fields[field], caught.value.fields


@pytest.mark.parametrize(
    "change",
    [
        _window("08:00", "12:00"),
        _window("17:00", "21:00"),
        lambda d: d["steps"][0].update(offset_hours=1),
        lambda d: d["steps"][1].update(offset_hours=2160),
        lambda d: d.update(reminder_after_hours=1, missed_after_reminder_hours=1),
        lambda d: d.update(latest_lateness_hours=1),
        lambda d: d.update(latest_lateness_hours=48),
        _threshold("severe_pain", 0),
        _threshold("limited_mobility_activity", 4),
        _threshold("not_improving_percent", 100),
        _text("en", "welcome", WELCOME_EN),
        _text("es", "welcome", WELCOME_ES),
        _text(
            "es",
            "welcome",
            "Hola {first_name}. Responda STOP para no recibir más, HELP para ayuda.",
        ),
    ],
)
def test_settings_on_the_edge_of_their_limits_are_taken(change) -> None:
    parse_definition(_with(change))


def test_a_stored_version_beyond_todays_limits_is_still_read_as_saved(runtime) -> None:
    definition = _with(_window("07:00", "22:00"))
    definition["steps"][0]["offset_hours"] = 0.5
    with pytest.raises(ProtocolError):
        parse_definition(definition)
    with runtime.transaction() as session:
        stored = Protocol(
            name="old", version=1, definition=definition, created_at=utc_now(), created_by="x"
        )
        session.add(stored)
        session.flush()
        spec = spec_of(stored)
    assert spec.window.start.isoformat() == "07:00:00" and spec.steps[0].offset_hours == 0.5


def test_steps_without_keys_are_known_by_their_labels() -> None:
    definition = _with(lambda d: [step.pop("key") for step in d["steps"]])
    spec = parse_definition(definition)
    assert [(s.key, s.label) for s in spec.steps] == [("24h", "24h"), ("48h", "48h")]


def test_the_shipped_protocol_gives_each_step_a_key() -> None:
    assert [step["key"] for step in DEFAULT["steps"]] == ["24h", "48h"]


def test_a_version_is_stored_with_its_step_keys_and_keys_alone_change_nothing(runtime) -> None:
    unkeyed = _with(lambda d: [step.pop("key") for step in d["steps"]])
    with runtime.transaction() as session:
        first = latest_version(session, "vertebroplasty")
        assert save_version(session, unkeyed, actor="admin", now=utc_now()).id == first.id
        unkeyed["steps"][0]["offset_hours"] = 30
        second = save_version(session, unkeyed, actor="admin", now=utc_now())
        assert second.definition["steps"][0] == {"key": "24h", "label": "24h", "offset_hours": 30}
        assert used_step_keys(session, "vertebroplasty") == {"24h", "48h"}
