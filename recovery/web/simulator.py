"""The phone simulator (console SMS backend only): read a patient's texts, reply as them.

A reply goes through the real webhook, signed the way Twilio signs it, so the webhook code
runs exactly as it does for Twilio.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from config.settings import Settings
from recovery.models import Message, Patient
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.sending.signing import public_url, sign
from recovery.states import Direction, MessageKind, MessageStatus
from recovery.web.patient_views import record_view

blueprint = Blueprint("simulator", __name__)
WEBHOOK_PATH = "/webhooks/twilio/sms"
TEST_SERVICE_NUMBER = "+15005550006"
# Texts the phone never got: not yet handed to the carrier, or stopped on the way.
NOT_ON_PHONE = (
    MessageStatus.PENDING,
    MessageStatus.CLAIMED,
    MessageStatus.CANCELLED,
    MessageStatus.FAILED,
    MessageStatus.UNDELIVERED,
)
ANSWER_KEY = "simulator_answer"
BODY_MAX = 1600


@dataclass(frozen=True)
class WebhookAnswer:
    """What the webhook answered: its status and the text of its TwiML message, if any."""

    status: int
    message: str | None


def _settings() -> Settings:
    settings: Settings = current_app.extensions["recovery"].settings
    return settings


@blueprint.before_request
def console_only() -> None:
    """The simulator exists only with the console SMS backend."""
    if _settings().sms_backend != "console":
        abort(404)


def twilio_params(settings: Settings, patient: Patient, body: str) -> dict[str, str]:
    """The form parameters Twilio posts for an inbound text from the patient."""
    sid = "SM" + secrets.token_hex(16)
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": settings.twilio_account_sid or "AC" + "0" * 32,
        "From": patient.phone,
        "To": settings.twilio_from_number or TEST_SERVICE_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if settings.twilio_messaging_service_sid:
        params["MessagingServiceSid"] = settings.twilio_messaging_service_sid
    return params


def post_reply(settings: Settings, patient: Patient, body: str) -> WebhookAnswer:
    """Post the reply to the webhook as Twilio would, signed; return its answer."""
    params = twilio_params(settings, patient, body)
    signature = sign(settings, public_url(settings, WEBHOOK_PATH), params)
    # A fresh app context: the webhook gets its own database session, as for Twilio.
    with current_app.app_context():
        response = current_app.test_client().post(
            WEBHOOK_PATH,
            data=params,
            headers={"X-Twilio-Signature": signature},
            base_url=settings.public_base_url,
        )
    return WebhookAnswer(response.status_code, twiml_message(response.get_data(as_text=True)))


def twiml_message(twiml: str) -> str | None:
    """The text of the ``<Message>`` in a TwiML answer, if there is one."""
    try:
        root = ElementTree.fromstring(twiml)
    except ElementTree.ParseError:
        return None
    texts = [element.text or "" for element in root.iter("Message")]
    return "\n".join(texts) if texts else None


def phone_thread(patient: Patient) -> list[Message]:
    """The texts as the patient's phone shows them, oldest first."""
    query = (
        select(Message)
        .where(
            Message.patient_id == patient.id,
            Message.kind != MessageKind.ON_CALL,
            Message.status.not_in(NOT_ON_PHONE) | (Message.direction == Direction.INBOUND),
        )
        .order_by(Message.created_at, Message.id)
    )
    return list(db().scalars(query))


def patient_choices(patients: list[Patient]) -> list[tuple[int, str]]:
    """Each patient as (id, name); a name that two patients share gets the phone too."""
    counts = Counter(patient.name for patient in patients)
    return [
        (
            patient.id,
            f"{patient.name} ({patient.phone})" if counts[patient.name] > 1 else patient.name,
        )
        for patient in patients
    ]


@blueprint.get("/simulator")
def index() -> ResponseReturnValue:
    """Choose a patient and read their phone (a view of the patient, so audited)."""
    patients = list(db().scalars(select(Patient).order_by(Patient.name, Patient.id)))
    chosen = request.args.get("patient", type=int)
    patient = db().get(Patient, chosen) if chosen else None
    if patient is not None:
        record_view(db(), patient, utc_now(), page="simulator")
    thread = phone_thread(patient) if patient else []
    answer = session.pop(ANSWER_KEY, None)
    if answer and any(m.direction == Direction.OUTBOUND and m.body == answer for m in thread):
        answer = None  # the webhook stored it: it is in the thread already
    return render_template(
        "simulator.html",
        choices=patient_choices(patients),
        patient=patient,
        thread=thread,
        answer=answer,
    )


@blueprint.post("/simulator/<int:patient_id>")
def send(patient_id: int) -> ResponseReturnValue:
    """Reply as the patient, through the signed webhook."""
    patient = db().get(Patient, patient_id)
    if patient is None:
        abort(404)
    body = request.form.get("message", "").strip()[:BODY_MAX]
    if not body:
        flash("Type a message to send.", "error")
        return redirect(url_for(".index", patient=patient_id))
    # The webhook opens its own session: this request must not hold SQLite's write lock.
    db().commit()
    answer = post_reply(_settings(), patient, body)
    if answer.status >= 400:
        flash(f"The webhook answered {answer.status}: the reply was not taken.", "error")
    elif answer.message:
        session[ANSWER_KEY] = answer.message
    return redirect(url_for(".index", patient=patient_id))
