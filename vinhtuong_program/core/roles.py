"""The five roles of the programme as Django groups, and what each may do.

Scope (which commune or provider) is not a permission: it comes from the
user's profile and is applied by the owning app's `visible_to` / `editable_by`
querysets. `sync_roles()` is idempotent and runs from `load_reference_data`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

BUSINESS_APPS = ("students", "donations", "telecom", "allocation", "reports")


@dataclass(frozen=True)
class Role:
    key: str
    group_name: str
    label: StrOrPromise
    uses_admin: bool


EDUCATION_OFFICE = Role("education_office", "Phòng GD&ĐT", _("Education office staff"), True)
ACCOUNTANT = Role("accountant", "Kế toán", _("Office accountant"), True)
COMMUNE_OFFICIAL = Role("commune_official", "Cán bộ xã/thị trấn", _("Commune official"), False)
TELECOM_STAFF = Role("telecom_staff", "Nhà mạng viễn thông", _("Telecom staff"), False)
LEADERSHIP = Role("leadership", "Lãnh đạo huyện", _("District leadership"), True)
ROLES = (EDUCATION_OFFICE, ACCOUNTANT, COMMUNE_OFFICIAL, TELECOM_STAFF, LEADERSHIP)


def _model_perms(app_label: str, actions: tuple[str, ...]) -> set[str]:
    """'app.action_model' for every model of the app, history models excluded."""
    codes = set()
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__.startswith("Historical"):
            continue
        codes |= {f"{app_label}.{action}_{model._meta.model_name}" for action in actions}
    return codes


def _all(actions: tuple[str, ...]) -> set[str]:
    return set().union(*(_model_perms(app, actions) for app in BUSINESS_APPS))


def role_permissions() -> dict[Role, set[str]]:
    view_all = _all(("view",)) | {"students.view_all_communes"}
    # Pupils' records are personal data of children: only roles that work on
    # them (education office, the pupil's commune) may open them, or the
    # uploads and duplicate pairs that show them.
    pupil_records = {
        "students.view_student",
        "students.view_studentupload",
        "students.view_duplicatecandidate",
        "students.view_guardianrequest",
        # The export log names the filters used, which may be a pupil's name.
        "students.view_dataexport",
    }
    # Reports from the public name the reporter and the pupil: only the office and the commune
    # handle them; leadership and the accountant read their counts in the report.
    view_all_but_pupils = view_all - pupil_records - {"reports.view_feedback"}
    return {
        EDUCATION_OFFICE: _all(("view", "add", "change", "delete"))
        | {"students.view_all_communes", "telecom.change_any_provider_data", "core.view_userprofile"},
        # The accountant handles money; pupils' personal data is not needed.
        ACCOUNTANT: view_all_but_pupils | _model_perms("donations", ("add", "change")),
        COMMUNE_OFFICIAL: {
            "students.view_commune",
            "students.view_hamlet",
            "students.add_hamlet",
            "students.change_hamlet",
            "students.view_school",
            "students.view_student",
            "students.add_student",
            "students.change_student",
            "students.view_studentupload",
            "students.add_studentupload",
            "students.view_duplicatecandidate",
            # Requests of their commune's pupils' guardians (scoped by GuardianRequest.objects.visible_to).
            "students.view_guardianrequest",
            "students.add_guardianrequest",
            "reports.view_milestone",
            # Reports from the public about their commune (scoped by Feedback.objects.visible_to).
            "reports.view_feedback",
            "reports.change_feedback",
            # Their commune's supports (scoped by Support.objects.visible_to) and its summary page.
            "allocation.view_support",
        },
        # Telecom staff cover hamlets everywhere but never see pupils' records.
        TELECOM_STAFF: {
            "students.view_all_hamlets",
            "students.view_commune",
            "students.view_hamlet",
            "telecom.view_provider",
            "reports.view_milestone",
            # Used donated devices are inspected and repaired by the telecom units.
            "donations.view_device",
        }
        | (
            _model_perms("telecom", ("view", "add", "change"))
            # Providers and the public platform list are the office's; places on
            # offers are given by allocation, the operator only fills in the SIM.
            - {
                "telecom.add_provider",
                "telecom.change_provider",
                "telecom.add_learningplatform",
                "telecom.change_learningplatform",
                "telecom.add_zerorating",
                "telecom.change_zerorating",
                "telecom.add_simassignment",
            }
        ),
        # Leadership reads every figure and changes nothing.
        LEADERSHIP: view_all_but_pupils,
    }


def _permission_objects(codes: set[str], known: dict[str, Permission]) -> list[Permission]:
    missing = codes - known.keys()
    if missing:
        raise LookupError(f"Unknown permissions: {sorted(missing)}")
    return [known[code] for code in codes]


def _known_permissions(codes: set[str]) -> dict[str, Permission]:
    """'app.codename' → permission, for the apps the codes name, in one query."""
    app_labels = {code.split(".", 1)[0] for code in codes}
    found = Permission.objects.filter(content_type__app_label__in=app_labels).select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}": p for p in found}


@transaction.atomic
def sync_roles() -> dict[str, int]:
    """Create the groups and set their permissions exactly; returns counts per group."""
    wanted = role_permissions()
    known = _known_permissions(set().union(*wanted.values()))
    counts = {}
    for role, codes in wanted.items():
        group, _created = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set(_permission_objects(codes, known))
        counts[role.group_name] = len(codes)
    return counts


def roles_of(user: User | AnonymousUser) -> list[Role]:
    if not user.is_authenticated:
        return []
    names = {group.name for group in user.groups.all()}
    return [role for role in ROLES if role.group_name in names]
