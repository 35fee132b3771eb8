"""The seven personas of the route matrix and the objects every URL parameter points at."""

import re
import uuid
from dataclasses import dataclass
from datetime import date

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dietplanner.accounts.models import AccessRecord, CareLink, RecoveryCodes, User
from dietplanner.accounts.services import invite_send
from dietplanner.accounts.two_factor import recovery_codes_make
from dietplanner.accounts.verification import verification_token
from dietplanner.clinic.models import ClinicalNote
from dietplanner.outbox.models import Email
from dietplanner.programs.models import Challenge, DailyEntry, GroupPlan, Program, ReactionAlert
from dietplanner.reminders.services import unsubscribe_url
from foods.models import Confounder, Food, FoodGroup, Protocol, Symptom
from tests.conftest import authenticator, make_user
from tests.diary.factories import START, log_days, make_program

# Words that only Pat's own pages, her linked dietitian's and the admin may show.
NOTE_TEXT = "Pat reacts to dairy, private note"
PATS_WORDS = (b"Pat Doe", b"pat@example.com", NOTE_TEXT.encode())


@dataclass
class World:
    users: dict[str, User | None]
    values: dict[str, str]  # URL parameter (or table alias) -> value
    patient: User


def build_world(*, patient, other_patient, dietitian, other_dietitian, admin) -> World:
    """Pat (owner) with a program, a diary, a note, two-step login, a linked, a revoked and an
    unlinked dietitian, an invite waiting for her, and one object of every model the admin
    shows."""
    program = make_program(patient)
    log_days(program, START, date(2026, 1, 12))
    make_program(other_patient)
    revoked = make_user("rita@example.com", "Rita Revoked", User.Role.DIETITIAN)
    CareLink.objects.create(
        dietitian=revoked,
        patient=patient,
        status=CareLink.Status.REVOKED,
        accepted=timezone.now(),
        ended=timezone.now(),
    )
    note = ClinicalNote.objects.create(
        author=dietitian, patient=patient, written_on=date(2026, 1, 10), text=NOTE_TEXT
    )
    AccessRecord.objects.create(dietitian=dietitian, patient=patient, what="report")
    alert = ReactionAlert.objects.create(
        patient=patient, severity="allergic", signs=["few_hives"], occurred_on=date(2026, 1, 11)
    )
    danas_invite = invite_send(
        dietitian=dietitian, email="new@example.com", request_base_url="http://testserver"
    )
    inviter = make_user("ivy@example.com", "Ivy Inviter", User.Role.DIETITIAN)
    invite_to_pat = invite_send(
        dietitian=inviter, email=patient.email, request_base_url="http://testserver"
    )
    invite_token = re.search(r"/accounts/invite/([^/\s]+)/", mail.outbox[-1].body).group(1)
    link = CareLink.objects.get(dietitian=dietitian, patient=patient)
    GroupPlan.objects.create(
        program=program, food_group=FoodGroup.objects.get(slug="dairy"), status="avoid"
    )
    # Pat turned two-step login on.
    pats_phone = authenticator(patient)
    recovery_codes_make(user=patient)
    axes_row = {"user_agent": "x", "ip_address": "10.0.0.1", "username": patient.email}
    axes_row |= {"http_accept": "x", "path_info": "/accounts/login/"}
    admin_objects = {
        "auth.group": Group.objects.create(name="Clinic staff"),
        "axes.accessattempt": AccessAttempt.objects.create(
            **axes_row, get_data="", post_data="", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(**axes_row),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**axes_row),
        "accounts.user": patient,
        "clinic.clinicalnote": note,
        "otp_totp.totpdevice": pats_phone,
        "accounts.recoverycodes": RecoveryCodes.objects.get(user=patient),
        "foods.symptom": Symptom.objects.first(),
        "foods.confounder": Confounder.objects.first(),
        "foods.foodgroup": FoodGroup.objects.first(),
        "foods.food": Food.objects.first(),
        "foods.protocol": Protocol.objects.first(),
        "outbox.email": Email.objects.first(),
    }
    values = {
        "patient_id": patient.public_id,
        "challenge_id": program.challenges.order_by("position").first().public_id,
        "note_id": note.public_id,
        "alert_id": alert.public_id,
        "invite_id": danas_invite.public_id,
        "invite_to_pat": invite_to_pat.public_id,
        "link_id": link.public_id,
        "group_slug": "dairy",
        "flag": "no_checkin",
        "token": invite_token,
        "uidb64": urlsafe_base64_encode(force_bytes(patient.pk)),
        "reset_token": default_token_generator.make_token(patient),
        "verify_token": verification_token(patient),
        "unsubscribe_token": unsubscribe_url(patient).rstrip("/").rsplit("/", 1)[1],
        "id": patient.pk,
        "pk": pats_phone.pk,
        "content_type_id": ContentType.objects.get_for_model(ClinicalNote).pk,
        "object_id": note.pk,
        "app_label": "accounts",
        "url": "nowhere/",
    }
    values |= {f"admin:{label}": obj.pk for label, obj in admin_objects.items()}
    # Tests run tasks at once, so the database queue stays empty: its pages meet a missing row.
    values["admin:django_tasks_database.dbtaskresult"] = uuid.uuid4()
    users = {
        "anonymous": None,
        "owner": patient,
        "other": other_patient,
        "linked": dietitian,
        "unlinked": other_dietitian,
        "revoked": revoked,
        "staff": admin,
    }
    return World(users=users, values=values, patient=patient)


def pats_data(patient: User) -> tuple:
    """Everything of Pat's that an outsider's request could change."""
    patient.refresh_from_db()
    return (
        patient.password,
        patient.email,
        list(Program.objects.filter(patient=patient).values_list("pk", "baseline_days")),
        list(
            Challenge.objects.filter(program__patient=patient)
            .order_by("pk")
            .values_list("position", "status", "dose_days", "washout_days")
        ),
        DailyEntry.objects.filter(program__patient=patient).count(),
        list(ClinicalNote.objects.filter(patient=patient).values_list("pk", "text")),
        list(CareLink.objects.filter(patient=patient).order_by("pk").values_list("status")),
        list(GroupPlan.objects.filter(program__patient=patient).values_list("status", "note")),
    )
