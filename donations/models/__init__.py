"""The donation models, one module per part; import them from here (`from donations.models import Pledge`).

The modules are imported in the order the models were first defined, which keeps Django's model
registry (and so dumps, admin and checks) in the same order as before the split.
"""

# In definition order (see above), not alphabetical:
# isort: off
from donations.models.choices import (
    MAX_AMOUNT_VND,
    MAX_DEVICES_PER_LINE,
    MAX_MONTHS,
    MAX_PUPILS_PER_OFFER,
    DeviceCondition,
    DeviceType,
    LineStatus,
    derive_status,
    new_reference_code,
)
from donations.models.donors import Donor, ProgrammeAccount
from donations.models.pledges import Pledge, PledgeLine, PledgeLineQuerySet, PledgeQuerySet
from donations.models.money import CashReceipt, Spending
from donations.models.devices import Device
from donations.models.committee import CommitteeMember
from donations.statement_models import BankStatement, StatementEntry
# isort: on

__all__ = [
    "MAX_AMOUNT_VND",
    "MAX_DEVICES_PER_LINE",
    "MAX_MONTHS",
    "MAX_PUPILS_PER_OFFER",
    "BankStatement",
    "CashReceipt",
    "CommitteeMember",
    "Device",
    "DeviceCondition",
    "DeviceType",
    "Donor",
    "LineStatus",
    "Pledge",
    "PledgeLine",
    "PledgeLineQuerySet",
    "PledgeQuerySet",
    "ProgrammeAccount",
    "Spending",
    "StatementEntry",
    "derive_status",
    "new_reference_code",
]
