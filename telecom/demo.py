"""A little invented telecom data for demonstrations (called by load_demo_data, DEBUG only)."""

from __future__ import annotations

import random
from datetime import date

from simple_history.utils import bulk_create_with_history

from donations.inventory import initial_status
from donations.models import Device, DeviceCondition, DeviceType, PledgeLine
from students.models import Hamlet
from telecom.models import ConnectivityOffer, HamletCoverage, LearningPlatform, Provider, Technology, ZeroRating

PLATFORMS = [
    ("[DEMO] Viettel Study", "https://viettelstudy.vn/", "viettel"),
    ("[DEMO] VNPT E-Learning", "https://vnedu.vn/", "vnpt"),
]


def _coverage(rng: random.Random) -> None:
    providers = {p.code: p for p in Provider.objects.filter(code__in=["viettel", "vnpt", "mobifone"])}
    rows = []
    for hamlet in Hamlet.objects.order_by("pk"):
        for provider in providers.values():
            for technology in Technology.values:
                roll = rng.random()
                if roll < 0.6:
                    rows.append(
                        HamletCoverage(hamlet=hamlet, provider=provider, technology=technology, status="available")
                    )
                elif roll < 0.8:
                    day = rng.choice([20, 22, 23, 25, 28])
                    rows.append(
                        HamletCoverage(
                            hamlet=hamlet,
                            provider=provider,
                            technology=technology,
                            status="planned",
                            planned_on=date(2021, 9, day),
                        )
                    )
                elif roll < 0.85 and technology == Technology.FIBRE:
                    rows.append(
                        HamletCoverage(
                            hamlet=hamlet,
                            provider=provider,
                            technology=technology,
                            status="not_possible",
                            reason="Chưa có tuyến cáp trục qua khu vực",
                        )
                    )
    bulk_create_with_history(rows, HamletCoverage, batch_size=500)


def _offers() -> None:
    viettel = Provider.objects.filter(code="viettel").first()
    vnpt = Provider.objects.filter(code="vnpt").first()
    pledge_line = PledgeLine.objects.filter(kind=PledgeLine.Kind.TELECOM).first()
    if viettel:
        # Places on it are given by the allocation demo.
        ConnectivityOffer.objects.create(
            provider=viettel,
            name="[DEMO] SIM 4G học tập",
            kind=ConnectivityOffer.Kind.MOBILE_SIM,
            allowance="4 GB/ngày",
            months=3,
            monthly_price_vnd=0,
            capacity=300,
            pledge_line=pledge_line,
        )
    if vnpt:
        ConnectivityOffer.objects.create(
            provider=vnpt,
            name="[DEMO] Miễn phí lắp đặt cáp quang",
            kind=ConnectivityOffer.Kind.FIBRE_WAIVER,
            allowance="30 Mbps",
            months=6,
            monthly_price_vnd=165_000,
            capacity=50,
        )


def telecom_demo_load(rng: random.Random) -> None:
    _coverage(rng)
    _offers()
    for n, device_type in enumerate([DeviceType.LAPTOP, DeviceType.SMARTPHONE, DeviceType.TABLET], start=1):
        Device.objects.create(
            device_type=device_type,
            brand_model="[DEMO] máy cũ",
            serial=f"DEMO-USED-{n}",
            condition=DeviceCondition.USED,
            received_on=date(2021, 9, 22),
            status=initial_status(DeviceCondition.USED),
            storage_place="Phòng GD&ĐT",
        )
    for name, url, code in PLATFORMS:
        platform = LearningPlatform.objects.create(name=name, url=url)
        provider = Provider.objects.filter(code=code).first()
        if provider:
            ZeroRating.objects.create(platform=platform, provider=provider, since=date(2021, 9, 15))
