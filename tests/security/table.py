"""What each persona gets from every URL pattern, for GET and for POST.

A row is seven answers in the order of the personas:
    anonymous  owner  other  linked  unlinked  revoked  staff
- owner: Pat, a patient with a program and a diary; other: Olive, another patient;
- linked: Dana, Pat's dietitian through an active link Pat approved; unlinked: Otto, a dietitian
  with no link; revoked: Rita, whose link Pat ended; staff: an administrator.
An answer is a status code, `login` (redirect to the login page), `admin-login` (redirect to the
admin's login page), or several joined by `|`. POST sends the same harmless body everywhere.
A new URL pattern fails `test_every_url_pattern_has_a_row_in_the_table` until it has a row.
"""

from dataclasses import dataclass, field

# The columns of a row.
PERSONAS = ("anonymous", "owner", "other", "linked", "unlinked", "revoked", "staff")

ANY_BODY = {
    "days": "2",
    "dose_days": "2",
    "washout_days": "2",
    "direction": "up",
    "food_group": "dairy",
    "pairs": "2",
    "written_on": "2026-02-01",
    "text": "x",
    "email": "someone@example.com",
    "answer": "decline",
}


@dataclass(frozen=True)
class Row:
    get: str
    post: str
    # URL parameter -> name of the value to use, when the parameter's name is ambiguous.
    args: dict[str, str] = field(default_factory=dict)

    def expected(self, method: str, persona: str) -> str:
        answers = (self.get if method == "GET" else self.post).split()
        assert len(answers) == len(PERSONAS), f"a row needs {len(PERSONAS)} answers: {answers}"
        return answers[PERSONAS.index(persona)]


def staff_only(staff_get: str, staff_post: str) -> Row:
    """An admin page: everyone but the staff is sent to the admin's login page."""
    others = "admin-login " * (len(PERSONAS) - 1)
    return Row(others + staff_get, others + staff_post)


def model_admin(app: str, model: str, *, add="200", delete="302", change="200") -> dict:
    """The six admin pages of one registered model; the keyword arguments are the staff's
    answer to POST on its add, delete and change pages."""
    base = f"admin/{app}/{model}/<path:object_id>/"
    return {
        f"admin:{app}_{model}_changelist": staff_only("200", "200"),
        f"admin:{app}_{model}_add": staff_only(add, add),
        f"admin:{app}_{model}_history": staff_only("200", "200"),
        f"admin:{app}_{model}_delete": staff_only("200", delete),
        f"admin:{app}_{model}_change": staff_only("200", change),
        base: staff_only("302", "302"),  # the old URL, redirected to the change page
    }


def read_only_admin(app: str, model: str) -> dict:
    """The admin pages of a model the staff may read but not add, change or delete."""
    pages = model_admin(app, model, add="403", change="403")
    pages[f"admin:{app}_{model}_delete"] = staff_only("403", "403")
    return pages


TABLE: dict[str, Row] = {
    # /
    "landing": Row("200 302 302 302 302 302 302", "200 302 302 302 302 302 302"),
    "safety": Row("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "accounts:signup": Row("200 302 302 302 302 302 302", "200 302 302 302 302 302 302"),
    # Without the password nothing is deleted (400); only patients delete themselves here.
    "accounts:delete-account": Row(
        "login 200 200 404 404 404 404", "login 400 400 404 404 404 404"
    ),
    "accounts:signup-sent": Row("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    # Pat's account is active, so no sign-up link opens for her id.
    "accounts:signup-confirm": Row(
        "404 404 404 404 404 404 404", "404 404 404 404 404 404 404", args={"token": "reset_token"}
    ),
    "accounts:dietitians": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    "accounts:code-redeem": Row("login 405 405 404 404 404 404", "login 400 400 404 404 404 404"),
    "accounts:link-stop": Row("login 200 404 404 404 404 404", "login 302 404 404 404 404 404"),
    "accounts:invite-answer": Row(
        "login 405 405 404 404 404 404",
        "login 302 404 404 404 404 404",
        args={"invite_id": "invite_to_pat"},
    ),
    # An invite opens only for the address it was sent to (Pat's), so Olive gets 404.
    "accounts:invite-accept": Row("login 200 404 403 403 403 403", "login 302 404 403 403 403 403"),
    "accounts:settings": Row("login 200 200 404 404 404 404", "login 400 400 404 404 404 404"),
    "accounts:verify-resend": Row("login 405 405 405 405 405 405", "login 302 302 302 302 302 302"),
    # The signed link (Pat's) is the authority, not who opens it: the page asks, POST confirms.
    "accounts:verify-email": Row(
        "200 200 200 200 200 200 200",
        "login 302 302 302 302 302 302",
        args={"token": "verify_token"},
    ),
    "accounts:measures": Row("login 200 200 404 404 404 404", "login 400 400 404 404 404 404"),
    "accounts:who-saw": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    "accounts:login": Row("200 302 302 302 302 302 302", "200 302 302 302 302 302 302"),
    "accounts:logout": Row("405 405 405 405 405 405 405", "302 302 302 302 302 302 302"),
    "accounts:home": Row("login 302 302 302 302 302 302", "login 302 302 302 302 302 302"),
    # two-step login (Pat and the clinic accounts have it on; Olive does not)
    "accounts:two-factor": Row("login 200 200 200 200 200 200", "login 404 200 404 404 404 404"),
    "accounts:two-factor-verify": Row(
        "login 302 302 302 302 302 302", "login 302 302 302 302 302 302"
    ),
    "accounts:two-factor-codes": Row(
        "login 302 302 302 302 302 302", "login 405 405 405 405 405 405"
    ),
    "accounts:two-factor-codes-new": Row(
        "login 405 405 405 405 405 405", "login 302 404 302 302 302 302"
    ),
    "accounts:two-factor-off": Row(
        "login 200 404 404 404 404 404", "login 200 404 404 404 404 404"
    ),
    "accounts:password-change": Row(
        "login 200 200 200 200 200 200", "login 200 200 200 200 200 200"
    ),
    "accounts:password-change-done": Row(
        "login 200 200 200 200 200 200", "login 405 405 405 405 405 405"
    ),
    "accounts:password-reset": Row("200 200 200 200 200 200 200", "302 302 302 302 302 302 302"),
    "accounts:password-reset-done": Row(
        "200 200 200 200 200 200 200", "405 405 405 405 405 405 405"
    ),
    # Pat's own sign-in spends her reset link (the token covers her last login).
    "accounts:password-reset-confirm": Row(
        "302 200 302 302 302 302 302", "302 200 302 302 302 302 302", args={"token": "reset_token"}
    ),
    "accounts:password-reset-complete": Row(
        "200 200 200 200 200 200 200", "405 405 405 405 405 405 405"
    ),
    "diary:today": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    "diary:checkin": Row("login 405 405 404 404 404 404", "login 400 400 404 404 404 404"),
    "diary:reaction": Row("login 200 200 404 404 404 404", "login 200 200 404 404 404 404"),
    "diary:start-challenge": Row("login 405 405 404 404 404 404", "login 404 404 404 404 404 404"),
    # No portion due today in this world: back to Today, nothing stopped.
    # The challenge id in ANY_BODY is nobody's: 404 for the patients.
    "diary:start-anyway": Row("login 405 405 404 404 404 404", "login 404 404 404 404 404 404"),
    "diary:stop": Row("login 302 302 404 404 404 404", "login 302 302 404 404 404 404"),
    # Nothing was started today, so there is nothing to undo.
    "diary:undo-start": Row("login 405 405 404 404 404 404", "login 404 404 404 404 404 404"),
    "diary:diary": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    # An incomplete set of answers is shown again with its errors.
    "programs:screening": Row("login 200 200 404 404 404 404", "login 200 200 404 404 404 404"),
    "programs:start": Row("login 302 302 404 404 404 404", "login 405 405 404 404 404 404"),
    "programs:start-settings": Row(
        "login 302 302 404 404 404 404", "login 405 405 404 404 404 404"
    ),
    "programs:start-review": Row("login 302 302 404 404 404 404", "login 405 405 404 404 404 404"),
    "programs:start-confirm": Row("login 405 405 404 404 404 404", "login 302 302 404 404 404 404"),
    "programs:plan": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    "programs:ical": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    "programs:reorder": Row("login 405 405 404 404 404 404", "login 302 302 404 404 404 404"),
    "programs:extend-baseline-undo": Row(
        "login 405 405 404 404 404 404", "login 302 302 404 404 404 404"
    ),
    "programs:extend-baseline": Row(
        "login 405 405 404 404 404 404", "login 302 302 404 404 404 404"
    ),
    "programs:skip": Row("login 405 405 404 404 404 404", "login 302 404 404 404 404 404"),
    "programs:unskip": Row("login 405 405 404 404 404 404", "login 302 404 404 404 404 404"),
    "programs:results": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    # Pat's challenge here has not started, so it has no result card yet (404, like an outsider).
    "programs:result-card": Row("login 404 404 404 404 404 404", "login 405 405 404 404 404 404"),
    # Ending needs the confirmation tick, which ANY_BODY lacks: the page again (400).
    "programs:end": Row("login 200 200 404 404 404 404", "login 400 400 404 404 404 404"),
    "programs:long-term": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    "programs:summary": Row("login 200 200 404 404 404 404", "login 405 405 404 404 404 404"),
    "programs:my-data": Row("login 200 200 404 404 404 404", "login 400 400 404 404 404 404"),
    "programs:my-data-download": Row(
        "login 200 200 404 404 404 404", "login 405 405 404 404 404 404"
    ),
    "clinic:clients": Row("login 404 404 200 200 200 200", "login 404 404 405 405 405 405"),
    "clinic:report": Row("login 404 404 200 404 404 404", "login 405 405 405 405 405 405"),
    "clinic:report-pdf": Row("login 404 404 200 404 404 404", "login 405 405 405 405 405 405"),
    "clinic:diary-csv": Row("login 404 404 200 404 404 404", "login 405 405 405 405 405 405"),
    "clinic:diary-json": Row("login 404 404 200 404 404 404", "login 405 405 405 405 405 405"),
    "clinic:note-add": Row("login 404 404 200 404 404 404", "login 404 404 302 404 404 404"),
    "clinic:note-edit": Row("login 404 404 200 404 404 404", "login 404 404 302 404 404 404"),
    # Pat's answers are clear; a post without the answers' id changes nothing and goes back.
    "clinic:flag-reviewed": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:screening-clear": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:reaction-acknowledge": Row(
        "login 405 405 405 405 405 405", "login 404 404 302 404 404 404"
    ),
    "clinic:reaction-clear": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    # Pat's program runs: starting another one sends the linked dietitian back to the report.
    "clinic:program-start": Row("login 404 404 302 404 404 404", "login 404 404 302 404 404 404"),
    # Pat's diet is read from her scores, not judged by endoscopy: no such page for her.
    "clinic:endoscopy": Row("login 404 404 404 404 404 404", "login 404 404 404 404 404 404"),
    "clinic:plan": Row("login 404 404 200 404 404 404", "login 405 405 405 405 405 405"),
    "clinic:plan-extend": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:plan-end": Row("login 404 404 200 404 404 404", "login 404 404 400 404 404 404"),
    "clinic:plan-add": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:plan-move": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:plan-skip": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:plan-unskip": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:plan-days": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:plan-rechallenge": Row(
        "login 405 405 405 405 405 405", "login 404 404 302 404 404 404"
    ),
    "clinic:plan-blinded": Row("login 405 405 405 405 405 405", "login 404 404 302 404 404 404"),
    "clinic:long-term": Row("login 404 404 200 404 404 404", "login 405 405 405 405 405 405"),
    # ANY_BODY has no plan for the group: the linked dietitian's change is refused (400).
    "clinic:long-term-change": Row(
        "login 405 405 405 405 405 405", "login 404 404 400 404 404 404"
    ),
    "clinic:invite": Row("login 404 404 200 200 200 200", "login 404 404 302 302 302 302"),
    "clinic:invite-cancel": Row("login 404 404 405 405 405 405", "login 404 404 302 404 404 404"),
    # /reminders/: the signed link (Pat's) stops her reminders without a log-in.
    "reminders:unsubscribe": Row(
        "200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200",
        args={"token": "unsubscribe_token"},
    ),
    "foods:lookup": Row("login 200 200 200 200 200 200", "login 405 405 405 405 405 405"),
    # /admin/
    "admin:index": staff_only("200", "200"),
    "admin:login": Row("200 200 200 200 200 200 302", "200 200 200 200 200 200 200"),
    "admin:logout": Row("302 302 302 302 302 302 405", "302 302 302 302 302 302 302"),
    "admin:password_change": staff_only("200", "200"),
    "admin:password_change_done": staff_only("200", "405"),
    "admin:autocomplete": staff_only("403", "405"),
    "admin:jsi18n": staff_only("200", "405"),
    "admin:view_on_site": staff_only("404", "404"),
    "admin:app_list": staff_only("200", "200"),
    "admin/(?P<url>.*)$": staff_only("404", "404"),
    "admin:auth_user_password_change": staff_only("200", "200"),
    **model_admin("auth", "group"),
    **model_admin("axes", "accessattempt", add="403", change="302"),
    **model_admin("axes", "accesslog", add="403", change="302"),
    **model_admin("axes", "accessfailurelog", add="403", change="302"),
    **model_admin("accounts", "user"),
    # Staff may remove a lost phone's authenticator, never read its secret or recovery codes.
    **model_admin("otp_totp", "totpdevice"),
    "admin:otp_totp_totpdevice_config": staff_only("403", "403"),
    "admin:otp_totp_totpdevice_qrcode": staff_only("403", "403"),
    **model_admin("accounts", "recoverycodes", add="403", change="302"),
    **model_admin("clinic", "clinicalnote"),
    **model_admin("foods", "symptom"),
    **model_admin("foods", "confounder"),
    # Groups and protocols in use by others cannot be deleted: the page says why.
    **model_admin("foods", "foodgroup", delete="200"),
    **model_admin("foods", "food"),
    **model_admin("foods", "protocol", delete="200"),
    # What was sent and the task queue are records: readable, never added, changed or deleted.
    **read_only_admin("outbox", "email"),
    **read_only_admin("django_tasks_database", "dbtaskresult"),
    # No queued task in tests (they run at once): a missing row sends the staff back.
    "admin:django_tasks_database_dbtaskresult_history": staff_only("302", "302"),
    "admin:django_tasks_database_dbtaskresult_change": staff_only("302", "403"),
}


def row_for(route) -> Row:
    return TABLE.get(route.key, Row("? ? ? ? ? ? ?", "? ? ? ? ? ? ?"))
