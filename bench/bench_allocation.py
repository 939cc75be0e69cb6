"""Allocation (issue 6): the dry run and the save of a district-sized proposal.

A synthetic district — the 28 communes, 10 hamlets each (every 7th without
any coverage), a primary and a lower secondary school per commune and 6 upper
secondary schools — is grown to each size N in turn (COPY through
`common.bulk`, not the ORM per row):

- N verified pupils (needs: 40 % both, 30 % device, 30 % Internet; about two
  in three with one to three hardships; 3 % without a hamlet), plus 2 % listed
  but not verified and 0.5 % in undecided duplicate pairs (never eligible);
- 0.6·N ready devices of the four types (10 % earmarked for a school, 10 % for
  a commune through pledges, a quarter used and inspected ready or repaired),
  plus 3 % still awaiting inspection or repair;
- offers of 3 providers (free 4G SIMs, free and discounted fibre, two of them
  earmarked) holding 0.4·N places in all, and the hamlets' coverage rows.

For each size it measures:

- the dry run, `proposals.compute()`: wall time split into loading (queries
  and building the engine's records) and the engine, queries, the peak of
  Python allocations (tracemalloc, in a second run: tracing slows Python
  down) and the growth of the process's peak RSS (ru_maxrss, after resetting
  the high-water mark through /proc/self/clear_refs where Linux allows it);
- the save, `proposals.run_save(computed=computed)`, against a plain ORM `bulk_create` of
  the same rows (the run, the SIM places, the supports and the left-out rows
  that `save` writes; no history, no checks, no device update), each in its
  own transaction rolled back afterwards, so both start from the same data.

Sizes: BENCH_ALLOCATION_SIZES ("10000,100000" on PostgreSQL, "2000,10000" on
SQLite), ascending. BENCH_ALLOCATION_REPEAT (default 1): how many times each
timing is taken; the best is kept.
"""

from __future__ import annotations

import gc
import math
import os
import random
import resource
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from allocation import engine, proposals
from allocation.models import AllocationRun, LeftOut, Support
from common.bulk import insert_with_history
from donations.models import Device, Donor, Pledge, PledgeLine
from students.models import Commune, DuplicateCandidate, Hamlet, School, SchoolLevel, Student
from students.reference import communes_load
from telecom.models import ConnectivityOffer, HamletCoverage, Provider, SimAssignment, Technology
from telecom.reference import providers_load

HAMLETS_PER_COMMUNE = 10
UPPER_SCHOOLS = 6
CHUNK = 10_000
# (level, share of pupils)
LEVELS = [(SchoolLevel.PRIMARY, 0.45), (SchoolLevel.LOWER_SECONDARY, 0.35), (SchoolLevel.UPPER_SECONDARY, 0.20)]
HARDSHIPS = {
    "poor": 25, "near_poor": 20, "ethnic_minority": 15, "other": 14, "social_protection": 8, "merit": 5,
    "orphan": 5, "disability": 5, "covid_orphan": 3,
}  # fmt: skip
DEVICE_TYPES = {"tablet": 35, "laptop": 30, "smartphone": 25, "desktop": 10}
# (provider, kind, monthly price, share of the places, earmark)
OFFERS = [
    ("viettel", ConnectivityOffer.Kind.MOBILE_SIM, 0, 0.30, None),
    ("vnpt", ConnectivityOffer.Kind.MOBILE_SIM, 0, 0.20, None),
    ("mobifone", ConnectivityOffer.Kind.MOBILE_SIM, 0, 0.15, None),
    ("viettel", ConnectivityOffer.Kind.FIBRE_WAIVER, 0, 0.12, None),
    ("vnpt", ConnectivityOffer.Kind.FIBRE_WAIVER, 0, 0.08, None),
    ("vnpt", ConnectivityOffer.Kind.FIBRE_DISCOUNT, 50_000, 0.05, None),
    ("viettel", ConnectivityOffer.Kind.MOBILE_SIM, 0, 0.06, "commune"),
    ("mobifone", ConnectivityOffer.Kind.MOBILE_SIM, 0, 0.04, "school"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Minh", "Nam", "Ngọc"]


# ---------------------------------------------------------------- the district


class District:
    """The fixed part of the district, then pupils and devices topped up to each size."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pupils = 0
        self.devices = 0
        self.serial = 0  # devices' serials and pupils' IDs, unique across sizes
        communes_load()
        providers_load()
        self.communes = list(Commune.objects.order_by("code"))
        Hamlet.objects.bulk_create(
            [Hamlet(commune=c, name=f"Thôn {n}") for c in self.communes for n in range(1, HAMLETS_PER_COMMUNE + 1)]
        )
        self.hamlets: dict[int, list[int]] = defaultdict(list)
        for pk, commune_id in Hamlet.objects.order_by("pk").values_list("pk", "commune_id"):
            self.hamlets[commune_id].append(pk)
        schools = []
        for c in self.communes:
            schools.append(School(code=f"TH{c.code}", name=f"Tiểu học {c.name}", level="primary", commune=c))
            schools.append(School(code=f"CS{c.code}", name=f"THCS {c.name}", level="lower_secondary", commune=c))
        schools += [
            School(code=f"PT{n}", name=f"THPT Số {n}", level="upper_secondary", commune=self.communes[n * 4])
            for n in range(UPPER_SCHOOLS)
        ]
        School.objects.bulk_create(schools)
        by_code = dict(School.objects.values_list("code", "pk"))
        # (commune index, level) → the school its pupils go to
        self.school_of = {}
        for index, c in enumerate(self.communes):
            self.school_of[(index, "primary")] = by_code[f"TH{c.code}"]
            self.school_of[(index, "lower_secondary")] = by_code[f"CS{c.code}"]
            self.school_of[(index, "upper_secondary")] = by_code[f"PT{index % UPPER_SCHOOLS}"]
        self._coverage()
        self._pledges()
        self._offers()

    def _coverage(self) -> None:
        providers = list(Provider.objects.filter(code__in=["viettel", "vnpt", "mobifone"]).order_by("code"))
        rows = []
        for index, hamlet_id in enumerate(h for c in self.communes for h in self.hamlets[c.pk]):
            if index % 7 == 3:
                continue  # no provider covers this hamlet: its pupils get no place
            for provider in providers:
                for technology, available in ((Technology.MOBILE_3G, 0.9), (Technology.MOBILE_4G, 0.7),
                                              (Technology.FIBRE, 0.35)):  # fmt: skip
                    roll = self.rng.random()
                    if roll < available:
                        status, extra = HamletCoverage.Status.AVAILABLE, {}
                    elif roll < available + (1 - available) / 2:
                        status, extra = HamletCoverage.Status.PLANNED, {"planned_on": date(2021, 10, 15)}
                    else:
                        status, extra = HamletCoverage.Status.NOT_POSSIBLE, {"reason": "Địa hình đồi núi"}
                    rows.append(
                        HamletCoverage(
                            hamlet_id=hamlet_id, provider=provider, technology=technology, status=status, **extra
                        )
                    )
        HamletCoverage.objects.bulk_create(rows, batch_size=1000)
        self.coverage_rows = len(rows)

    def _pledges(self) -> None:
        """Device pledges: two earmarked for each of 5 communes, one for each of 8 schools, 6 for the district."""
        donor = Donor.objects.create(kind=Donor.Kind.BUSINESS, name="Doanh nghiệp hảo tâm")
        schools = list(School.objects.order_by("code").values_list("pk", flat=True))
        pledges = (
            [Pledge(donor=donor, earmark_commune=c) for c in self.communes[:5] for _ in range(2)]
            + [Pledge(donor=donor, earmark_school_id=s) for s in schools[:8]]
            + [Pledge(donor=donor) for _ in range(6)]
        )
        Pledge.objects.bulk_create(pledges)
        lines = [
            PledgeLine(pledge=p, kind=PledgeLine.Kind.DEVICE, device_type=kind, condition="new", quantity=1_000_000)
            for p in pledges
            for kind in DEVICE_TYPES
        ]
        PledgeLine.objects.bulk_create(lines)
        self.lines: dict[str, list[PledgeLine]] = {"school": [], "commune": [], "district": []}
        for line in lines:
            pledge = line.pledge
            where = "school" if pledge.earmark_school_id else "commune" if pledge.earmark_commune_id else "district"
            self.lines[where].append(line)

    def _offers(self) -> None:
        providers = {p.code: p for p in Provider.objects.all()}
        donor = Donor.objects.create(kind=Donor.Kind.TELECOM, name="Nhà mạng")
        self.offers = []
        for n, (code, kind, price, _share, earmark) in enumerate(OFFERS):
            line = None
            if earmark:
                pledge = Pledge.objects.create(
                    donor=donor,
                    earmark_commune=self.communes[7] if earmark == "commune" else None,
                    earmark_school_id=self.school_of[(9, "primary")] if earmark == "school" else None,
                )
                line = PledgeLine.objects.create(
                    pledge=pledge, kind=PledgeLine.Kind.TELECOM, quantity=1, months=6, offer="SIM 4G miễn phí"
                )
            self.offers.append(
                ConnectivityOffer.objects.create(
                    provider=providers[code], name=f"Ưu đãi {n}", kind=kind, months=6, monthly_price_vnd=price,
                    capacity=0, pledge_line=line,
                )
            )  # fmt: skip

    def grow(self, size: int) -> None:
        """Top the district up to `size` eligible pupils, 0.6·size devices and 0.4·size places."""
        now = timezone.now()
        for start in range(self.pupils, size, CHUNK):
            insert_with_history(Student, [self._pupil(now) for _ in range(start, min(start + CHUNK, size))])
        # The never-eligible: listed but not verified, and undecided duplicate pairs.
        extra = int(size * 0.02) - int(self.pupils * 0.02)
        if extra > 0:
            rows = [self._pupil(now, status=Student.Status.LISTED) for _ in range(extra)]
            insert_with_history(Student, rows)
        pairs = int(size * 0.0025) - int(self.pupils * 0.0025)
        if pairs > 0:
            existing = insert_with_history(
                Student, [self._pupil(now, status=Student.Status.LISTED) for _ in range(pairs)]
            )
            held = insert_with_history(Student, [self._pupil(now, status=Student.Status.HELD) for _ in range(pairs)])
            DuplicateCandidate.objects.bulk_create(
                [
                    DuplicateCandidate(existing_id=e, candidate_id=h, reason=DuplicateCandidate.Reason.NAME_BIRTH_DATE)
                    for e, h in zip(existing, held, strict=True)
                ]
            )
        target = int(size * 0.6)
        for start in range(self.devices, target, CHUNK):
            insert_with_history(Device, [self._device(now) for _ in range(start, min(start + CHUNK, target))])
        waiting = int(size * 0.03) - int(self.pupils * 0.03)
        if waiting > 0:
            statuses = (Device.Status.AWAITING_INSPECTION, Device.Status.NEEDS_REPAIR)
            insert_with_history(Device, [self._device(now, status=self.rng.choice(statuses)) for _ in range(waiting)])
        places = int(size * 0.4)
        for offer, (*_rest, share, _earmark) in zip(self.offers, OFFERS, strict=True):
            offer.capacity = round(places * share)
        ConnectivityOffer.objects.bulk_update(self.offers, ["capacity"])
        self.pupils, self.devices = size, target
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics after COPY, as autovacuum would give them

    def _pupil(self, now, status: str = Student.Status.VERIFIED) -> dict[str, Any]:
        rng = self.rng
        self.serial += 1
        index = rng.randrange(len(self.communes))
        commune = self.communes[index]
        level = rng.choices([lv for lv, _w in LEVELS], [w for _lv, w in LEVELS])[0]
        grade = {"primary": rng.randint(1, 5), "lower_secondary": rng.randint(6, 9)}.get(level) or rng.randint(10, 12)
        need = rng.random()
        hardships = []
        if rng.random() < 0.65:
            count = rng.choices((1, 2, 3), (70, 25, 5))[0]
            hardships = sorted(set(rng.choices(list(HARDSHIPS), list(HARDSHIPS.values()), k=count)))
        name = f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}"
        return _row(
            Student,
            commune_id=commune.pk,
            hamlet_id=None if rng.random() < 0.03 else rng.choice(self.hamlets[commune.pk]),
            school_id=self.school_of[(index, level)],
            full_name=name,
            name_key=name.lower(),
            birth_date=date(2015 - grade, 1, 1) + timedelta(days=rng.randrange(365)),
            pupil_id=f"9{self.serial:09d}" if rng.random() < 0.5 else "",
            class_name=f"{grade}A",
            level=level,
            lacks_device=need < 0.7,
            lacks_internet=need < 0.4 or need >= 0.7,
            hardships=hardships,
            status=status,
            created_at=now,
            updated_at=now,
        )

    def _device(self, now, status: str | None = None) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choices(list(DEVICE_TYPES), list(DEVICE_TYPES.values()))[0]
        roll = rng.random()
        where = "school" if roll < 0.1 else "commune" if roll < 0.2 else "district" if roll < 0.7 else None
        line = rng.choice([ln for ln in self.lines[where] if ln.device_type == kind]) if where else None
        used = rng.random() < 0.25
        if status is None:
            status = Device.Status.REPAIRED if used and rng.random() < 0.3 else Device.Status.READY
        self.serial += 1
        return _row(
            Device,
            device_type=kind,
            condition="used" if used else "new",
            serial=f"SN{self.serial:09d}",
            pledge_line_id=line.pk if line else None,
            pledge_id=line.pledge_id if line else None,
            received_on=date(2021, 9, 1) + timedelta(days=rng.randrange(30)),
            status=status,
            created_at=now,
        )


def _row(model: type[models.Model], **values) -> dict[str, Any]:
    """Every concrete field but the pk, at its default unless given."""
    row = {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}
    row.update(values)
    return row


# ---------------------------------------------------------------- measuring


@contextmanager
def _timing(module, names: list[str]) -> Iterator[Counter]:
    """Add up the time spent in `module.<name>` for each name while the block runs."""
    spent: Counter = Counter()
    originals = {name: getattr(module, name) for name in names}

    def timed(name: str, function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    for name, function in originals.items():
        setattr(module, name, timed(name, function))
    try:
        yield spent
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def _server_stat() -> str | None:
    """/proc/<pid>/stat of this connection's PostgreSQL backend, when the server runs on this machine."""
    if connection.vendor != "postgresql" or connection.settings_dict.get("HOST") not in ("", "127.0.0.1", "localhost"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return f"/proc/{pid}/stat" if handle.read().startswith("postgres") else None
    except OSError:
        return None


def _server_cpu(stat: str | None) -> float | None:
    if stat is None:
        return None
    with open(stat) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _measure(function: Callable[[], Any]) -> dict[str, Any]:
    """Wall time, CPU time of this process and of the database server's backend, queries, and the result.

    The machine may be shared: CPU time, unlike wall time, does not count waiting for a core.
    """
    gc.collect()
    stat = _server_stat()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        server, cpu, wall = _server_cpu(stat), time.process_time(), time.perf_counter()
        result = function()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        server = _server_cpu(stat) - server if stat else None
    return {"time": wall, "cpu": cpu, "server cpu": server, "queries": queries, "result": result}


def _rss_mib() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak_rss() -> bool:
    """Linux ≥ 4.0: bring the high-water mark that ru_maxrss reports down to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


LOADERS = ["load_pupils", "load_devices", "load_offers", "load_coverage"]


def _dry_run() -> dict[str, Any]:
    gc.collect()
    reset = _reset_peak_rss()
    rss_before, peak_before = _rss_mib(), _peak_rss_mib()
    with _timing(engine, ["propose"]) as in_engine, _timing(proposals, LOADERS) as loads:
        measured = _measure(proposals.compute)
    peak = _peak_rss_mib()
    measured.update(
        {
            "load": measured["time"] - in_engine["propose"],
            "engine": in_engine["propose"],
            "rss before": rss_before,
            "rss peak": peak,
            # Without the reset the mark may be an earlier peak: the growth is then a lower bound.
            "rss growth": max(peak - (rss_before if reset else peak_before), 0.0),
            "rss reset": reset,
            **{f"load: {name.removeprefix('load_')}": loads[name] for name in LOADERS},
        }
    )
    return measured


def _traced_dry_run() -> float:
    gc.collect()
    tracemalloc.start()
    try:
        computed = proposals.compute()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del computed
    return peak / 2**20


def _bulk_create(computed: proposals.Computed, batch_size: int | None = None) -> int:
    """What a plain ORM save of the same rows costs: the run, the places, the supports, the left-out rows."""
    proposal = computed.proposal
    decisions = proposal.decisions
    run = AllocationRun.objects.create(proposed_count=len(decisions))
    with_place = [d for d in decisions if d.offer_id]
    places = SimAssignment.objects.bulk_create(
        [SimAssignment(offer_id=d.offer_id, student_id=d.pupil_id) for d in with_place], batch_size=batch_size
    )
    place_of = {d.pupil_id: place.pk for d, place in zip(with_place, places, strict=True)}
    Support.objects.bulk_create(
        [
            Support(
                student_id=d.pupil_id, device_id=d.device_id, offer_id=d.offer_id,
                sim_assignment_id=place_of.get(d.pupil_id), run=run, score=d.score, rank_in_commune=d.rank,
                device_rule=d.device_rule, connectivity_rule=d.connectivity_rule,
            )
            for d in decisions
        ],
        batch_size=batch_size,
    )  # fmt: skip
    LeftOut.objects.bulk_create(
        [
            LeftOut(run=run, student_id=m.pupil_id, need=m.need, score=m.score, rank_in_commune=m.rank,
                    reason=m.reason, detail=m.detail)
            for m in proposal.missed
        ],
        batch_size=batch_size,
    )  # fmt: skip
    return 1 + len(places) + len(decisions) + len(proposal.missed)


def _rolled_back(function: Callable[[], Any]) -> dict[str, Any]:
    """`_measure(function)` in a transaction that is then rolled back."""
    with transaction.atomic():
        measured = _measure(function)
        transaction.set_rollback(True)
    return measured


BATCH = 1000
WRITERS = {
    "bulk_create": lambda computed: _bulk_create(computed),
    f"bulk_create (batch_size={BATCH})": lambda computed: _bulk_create(computed, BATCH),
    "save": lambda computed: proposals.run_save(computed=computed).proposed_count,
}


def _save_vs_bulk(computed: proposals.Computed, repeat: int) -> dict[str, dict]:
    """Each writer in turn, rolled back, so all start from the same data; the best of `repeat` rounds."""
    best: dict[str, dict] = {}
    for _ in range(repeat):
        for name, write in WRITERS.items():
            measured = _rolled_back(lambda write=write: write(computed))
            if name not in best or measured["time"] < best[name]["time"]:
                best[name] = measured
    assert best["save"]["result"] == len(computed.proposal.decisions)
    # The baseline is the faster plain bulk_create: the comparison is the stricter for it.
    best["baseline"] = min((best[name] for name in WRITERS if name != "save"), key=lambda m: m["time"])
    return best


def _sizes() -> list[int]:
    default = "10000,100000" if connection.vendor == "postgresql" else "2000,10000"
    return sorted({int(s) for s in os.environ.get("BENCH_ALLOCATION_SIZES", default).split(",") if s.strip()})


def run(figures) -> None:
    sizes = _sizes()
    repeat = max(int(os.environ.get("BENCH_ALLOCATION_REPEAT", "2")), 1)
    started = time.perf_counter()
    district = District(random.Random(2021))
    print(f"  (district: {len(district.communes)} communes, {sum(map(len, district.hamlets.values()))} hamlets, "
          f"{district.coverage_rows} coverage rows, {len(district.offers)} offers)", flush=True)  # fmt: skip
    results = {}
    for size in sizes:
        t0 = time.perf_counter()
        district.grow(size)
        print(f"  (grew to {size:,} pupils in {time.perf_counter() - t0:.1f} s)", flush=True)
        # Every run is timed (the first also warms the database's cache); the fastest is kept.
        dry: dict[str, Any] = {}
        computed = None
        for _ in range(repeat):
            computed = None  # the previous proposal is freed first: it would weigh on the RSS figures
            measured = _dry_run()
            computed = measured.pop("result")
            if not dry or measured["time"] < dry["time"]:
                dry = measured
        dry["python peak"] = _traced_dry_run()
        summary = _measure(computed.summary)
        dry["summary"] = summary["time"]
        dry["eligible"] = len(computed.pupils) - len(computed.proposal.ineligible)
        for key in ("proposed", "devices", "places"):
            dry[key] = summary["result"][key]
        dry["left out"] = len(computed.proposal.missed)
        writes = _save_vs_bulk(computed, repeat)
        del computed, summary
        results[size] = {"dry": dry, **writes}
        _record(figures, size, results[size])
    figures.text(_table(sizes, results, repeat))
    figures.add("total time", time.perf_counter() - started, "s")


def _cpu(m: dict) -> float:
    return m["cpu"] + (m["server cpu"] or 0.0)


def _record(figures, size: int, r: dict) -> None:
    n, dry = f"{size:,} pupils", r["dry"]
    figures.add(f"{n}: eligible pupils", dry["eligible"])
    figures.add(f"{n}: dry run: time", dry["time"] * 1000, "ms")
    figures.add(f"{n}: dry run: load time", dry["load"] * 1000, "ms")
    figures.add(f"{n}: dry run: engine time", dry["engine"] * 1000, "ms")
    figures.add(f"{n}: dry run: queries", dry["queries"])
    figures.add(f"{n}: dry run: peak Python memory", dry["python peak"], "MiB")
    figures.add(f"{n}: dry run: peak RSS growth", dry["rss growth"], "MiB")
    figures.add(f"{n}: save: time", r["save"]["time"] * 1000, "ms")
    figures.add(f"{n}: save: queries", r["save"]["queries"])
    figures.add(f"{n}: bulk_create: time", r["baseline"]["time"] * 1000, "ms")
    figures.add(f"{n}: save / bulk_create", r["save"]["time"] / r["baseline"]["time"], "×")


def _table(sizes: list[int], results: dict[int, dict], repeat: int) -> list[str]:
    server = any(results[size]["save"]["server cpu"] is not None for size in sizes)
    cpu_of = "CPU (bench + PostgreSQL backend)" if server else "CPU"

    def ms(value: float) -> str:
        return f"{value * 1000:,.0f} ms"

    def times(key: str) -> Callable[[dict], str]:
        return lambda r: f"{ms(r[key]['time'])} / {ms(_cpu(r[key]))}"

    rows: list[tuple[str, Callable[[dict], str]]] = [
        ("eligible pupils", lambda r: f"{r['dry']['eligible']:,}"),
        (
            "proposed (devices / places)",
            lambda r: f"{r['dry']['proposed']:,} ({r['dry']['devices']:,} / {r['dry']['places']:,})",
        ),
        ("left out (pupil × need)", lambda r: f"{r['dry']['left out']:,}"),
        (f"dry run: time / {cpu_of}", lambda r: f"{ms(r['dry']['time'])} / {ms(_cpu(r['dry']))}"),
        ("  load (queries + records)", lambda r: ms(r["dry"]["load"])),
        *[
            (f"    {name.removeprefix('load_')}", lambda r, name=name: ms(r["dry"][f"load: {name[5:]}"]))
            for name in LOADERS
        ],
        ("  engine.propose()", lambda r: ms(r["dry"]["engine"])),
        ("dry run: queries", lambda r: f"{r['dry']['queries']:,}"),
        ("dry run: peak Python memory", lambda r: f"{r['dry']['python peak']:,.0f} MiB"),
        (
            "dry run: peak RSS growth",
            lambda r: f"{r['dry']['rss growth']:,.0f} MiB" + ("" if r["dry"]["rss reset"] else " (lower bound)"),
        ),
        ("process RSS before → peak", lambda r: f"{r['dry']['rss before']:,.0f} → {r['dry']['rss peak']:,.0f} MiB"),
        ("summary() time", lambda r: ms(r["dry"]["summary"])),
        ("rows the save writes", lambda r: f"{r['bulk_create']['result']:,}"),
        (f"save(): time / {cpu_of}", times("save")),
        ("save(): queries", lambda r: f"{r['save']['queries']:,}"),
        *[(f"{name}: time / {cpu_of}", times(name)) for name in WRITERS if name != "save"],
        *[(f"{name}: queries", lambda r, name=name: f"{r[name]['queries']:,}") for name in WRITERS if name != "save"],
        ("save / faster bulk_create: time", lambda r: f"{r['save']['time'] / r['baseline']['time']:.2f}×"),
        ("save / faster bulk_create: CPU", lambda r: f"{_cpu(r['save']) / _cpu(r['baseline']):.2f}×"),
    ]
    width = max(len(label) for label, _ in rows)
    cells = {size: [show(results[size]) for _label, show in rows] for size in sizes}
    column = {size: max(len(f"{size:,} pupils"), *(len(c) for c in cells[size])) for size in sizes}
    lines = [
        f"  {connection.vendor}; N verified pupils, 0.6·N devices, 0.4·N places; best of {repeat} run(s) each;",
        "  save and bulk_create write the same rows, each in a transaction rolled back afterwards.",
        "",
        f"  {'':<{width}}  " + "  ".join(f"{f'{size:,} pupils':>{column[size]}}" for size in sizes),
    ]
    for i, (label, _show) in enumerate(rows):
        lines.append(f"  {label:<{width}}  " + "  ".join(f"{cells[size][i]:>{column[size]}}" for size in sizes))
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        bound = large * math.log(large) / (small * math.log(small))
        lines.append("")
        growths = [
            ("dry run time", lambda r: r["dry"]["time"]),
            ("dry run CPU", lambda r: _cpu(r["dry"])),
            ("  load", lambda r: r["dry"]["load"]),
            ("  engine", lambda r: r["dry"]["engine"]),
            ("save time", lambda r: r["save"]["time"]),
            ("save CPU", lambda r: _cpu(r["save"])),
        ]
        for label, value in growths:
            before, after = value(results[small]), value(results[large])
            growth = after / before if before else float("inf")
            verdict = "within" if growth <= bound else "WORSE than"
            lines.append(f"  growth {small:,} → {large:,}, {label}: ×{growth:.1f} ({verdict} n log n: ×{bound:.1f})")
    return lines
