"""A seeded generator of realistic synthetic case sets of any size.

    .venv/bin/python bench/generate.py DIR -n 10000 [--seed 1]

writes DIR/departments.yaml, DIR/categories.yaml, DIR/districts.yaml (copied
from cases_data/) and DIR/YYYY/MM/<id>.yaml, one case per file as in
docs/case-format.md: about 90% resolved and published, 2% withheld, 4% in
progress, 4% invalid calls; callers with private details (compound surnames,
phones in varied spellings, addresses with building and room numbers, ID
numbers with valid checksums), some of them planted in the complaint text,
spread over years, months, districts, departments and categories. The same
seed and N give the same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime as dt
import itertools
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as C  # noqa: E402  (bench/ is a folder of scripts, not a package)

ROOT = Path(__file__).resolve().parents[1]
REGISTRIES = ("departments.yaml", "categories.yaml", "districts.yaml")
START_YEAR = 2012
CASES_PER_YEAR = 2500  # the span grows with N: 10,000 cases over 4 years, 100,000 over 10
MAX_YEARS = 10
COMPLAINT_CHARS = (60, 200)
ACTION_CHARS = (60, 200)
# Numbers a caller's phone must not be: the public department and hotline numbers.
PUBLIC_NUMBERS = ("6381234", "6520119", "6225678", "6183333", "6222466", "6360025", "6221836", "6226780",
                  "6363016", "6289315", "6223591", "6222150", "6222301", "3772345", "3781166", "6221548",
                  "12345", "8912345", "3772020", "3785008")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Person:
    name: str
    gender: str
    phone: str  # as written in the file
    phone_digits: str  # canonical, for planting in text in another spelling
    address: str | None
    room: str | None  # community + building/room part of the address
    id_number: str | None


def _public_vocabulary() -> frozenset[str]:
    """Every 2–3 character word of the public texts: a name must not be one."""
    texts: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                collect(k)
                collect(v)
        elif isinstance(value, (tuple, list)):
            for v in value:
                collect(v)

    collect([getattr(C, name) for name in C.PUBLIC_TEXTS])
    for registry in REGISTRIES:
        texts.append((ROOT / "cases_data" / registry).read_text("utf-8"))
    texts.append("市长热线办公室信阳市全天小时案件分类部门地区月份统计简报搜索开放数据首页满意率按时办结反映人来电来信")
    return frozenset(t[i : i + k] for t in texts for k in (2, 3) for i in range(len(t) - k + 1))


class Generator:
    """Draws every case from one seeded random stream, in order."""

    def __init__(self, n: int, seed: int, hard: bool = False):
        self.n = n
        self.hard = hard
        self.rng = random.Random(f"hotline-bench:{seed}")
        self.years = max(1, min(MAX_YEARS, round(n / CASES_PER_YEAR)))
        self.vocabulary = _public_vocabulary()
        self.districts = list(C.DISTRICTS)
        self.categories = list(C.CATEGORY_WEIGHTS)
        self.category_cum = list(itertools.accumulate(C.CATEGORY_WEIGHTS.values()))
        self.district_cum = list(itertools.accumulate(C.DISTRICT_WEIGHTS))
        self.results = list(C.FOLLOWUP_WEIGHTS)
        self.result_cum = list(itertools.accumulate(C.FOLLOWUP_WEIGHTS.values()))

    # Small helpers over the one random stream.
    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, seq, cum):
        return seq[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # Time.
    def received_times(self) -> list[dt.datetime]:
        months = (6, 6, 8, 8, 9, 10, 12, 12, 9, 8, 7, 6)  # more calls in summer (water, power, heat)
        month_cum = list(itertools.accumulate(months))
        hours = (1, 1, 1, 1, 1, 1, 2, 6, 10, 12, 12, 10, 8, 9, 11, 11, 10, 8, 6, 5, 4, 3, 2, 1)
        hour_cum = list(itertools.accumulate(hours))
        times = []
        for _ in range(self.n):
            year = START_YEAR + self.rng.randrange(self.years)
            month = self.weighted(range(1, 13), month_cum)
            day = 1 + self.rng.randrange(calendar.monthrange(year, month)[1])
            times.append(dt.datetime(year, month, day, self.weighted(range(24), hour_cum), self.rng.randrange(60)))
        return sorted(times)

    # People and their private details.
    def name(self) -> tuple[str, str]:
        """(name, gender): no name or given name is also a word of the public texts."""
        rng = self.rng
        while True:
            gender = "female" if rng.random() < 0.48 else ("male" if rng.random() < 0.93 else "unknown")
            if rng.random() < 0.002:
                return self.pick(C.DOTTED_NAMES)
            surname = self.pick(C.COMPOUND_SURNAMES) if rng.random() < 0.02 else self.pick(C.SURNAMES)
            chars = C.GIVEN_FEMALE if gender == "female" else C.GIVEN_MALE if gender == "male" else C.GIVEN_MALE + C.GIVEN_FEMALE
            given = self.pick(chars) + (self.pick(chars) if rng.random() < 0.88 else "")
            if surname + given not in self.vocabulary and given not in self.vocabulary:
                return surname + given, gender

    def person(self, district: str, township: str, urban: bool) -> Person:
        rng = self.rng
        name, gender = self.name()
        digits, phone = self.phone()
        address = room = None
        if rng.random() < 0.85:
            if urban:
                community = self.pick(C.COMMUNITIES)
                b, u, floor, flat = rng.randint(1, 32), rng.randint(1, 6), rng.randint(1, 28), rng.randint(1, 4)
                room = self.pick((f"{community}{b}号楼{u}单元{floor}0{flat}室", f"{community}{b}栋{u}单元{floor}0{flat}室",
                                  f"{community}{b}-{u}-{floor}0{flat}"))
                address = f"{district}{township}{room}"
            else:
                address = f"{district}{township}{self.pick(C.VILLAGE_HEADS)}村{self.pick(C.VILLAGE_HEADS)}组{rng.randint(1, 99)}号"
        id_number = self.id_number(district) if rng.random() < 0.25 else None
        return Person(name, gender, phone, digits, address, room, id_number)

    def phone(self) -> tuple[str, str]:
        """(canonical digits, as written): mobiles and landlines in staff's spellings."""
        rng = self.rng
        r = rng.random()
        if r < 0.85:
            while True:
                d = self.pick(("13", "15", "18", "17", "19")) + str(rng.randrange(10)) + f"{rng.randrange(10**8):08d}"
                if d[2:4] not in ("19", "20"):  # not a day + year as dates print (13 2013-…)
                    break
            spelled = self.pick((d, d, f"{d[:3]} {d[3:7]} {d[7:]}", f"{d[:3]}-{d[3:7]}-{d[7:]}", f"+86 {d}",
                                 f"0086-{d[:3]}-{d[3:7]}-{d[7:]}", d.translate(_FULL_WIDTH), f"{d[:3]}　{d[3:7]}　{d[7:]}"))
            return d, spelled
        while True:
            local = self.pick("2345689") + f"{rng.randrange(10**6):06d}"
            if local not in PUBLIC_NUMBERS:
                break
        if r < 0.97 or not self.hard:
            return "0376" + local, self.pick((f"0376-{local}", f"(0376){local}", f"（0376）{local}", f"0376 {local[:3]} {local[3:]}"))
        return local, local

    def id_number(self, district: str) -> str:
        born = dt.date(1940, 1, 1) + dt.timedelta(days=self.rng.randrange(65 * 365))
        body = f"{C.ID_REGIONS[district]}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=False)) % 11]
        return body + check

    # Text.
    def fill(self, template: str, loc: str, dept: str = "") -> str:
        rng = self.rng
        return template.format(
            loc=loc, road=self.pick(C.ROADS[:9]), road2=self.pick(C.ROADS[9:]), n=rng.randint(2, 9), big=rng.randint(2, 9) * 10,
            hund=rng.randint(1, 9) * 100, m=rng.randint(2, 11), amt=rng.randint(8, 600) * 100, dept=dept,
        )

    def complaint(self, problem, loc: str, planted: str) -> str:
        _, _, openings, details, _ = problem
        low, high = COMPLAINT_CHARS
        while True:
            parts = [self.fill(self.pick(openings), loc), self.fill(self.pick(details), loc)]
            extras = self.weighted((0, 1, 2, 3, 4), (30, 60, 82, 95, 100))
            parts += [self.fill(t, loc) for t in self.rng.sample(C.EXTRA_DETAILS, extras)]
            parts.append(self.pick(C.IMPACTS))
            attempt = self.pick(C.ATTEMPTS)
            if attempt:
                parts.append(attempt)
            if planted:
                parts.insert(1, planted)
            text = "，".join(parts) + "，" + self.pick(C.REQUESTS)
            if self.chance(0.12):  # a second paragraph
                text = text.replace("，", "。\n\n", 1)
            if low <= len(text.replace("\n", "")) <= high:
                return text

    def action(self, problem, dept: str, finding: str, loc: str, visit: dt.date) -> str:
        low, high = ACTION_CHARS
        while True:
            opening = self.pick(C.ACTION_OPENINGS).format(dept=dept, loc=loc, date=f"{visit.month}月{visit.day}日")
            if finding == "情况不属实":
                core, extras = "反映的问题与实际情况不符，相关单位已按规定履行职责。工作人员已向反映人作了详细的解释说明，反映人表示理解。", 0
            else:
                core, extras = self.fill(self.pick(problem[4]), loc, dept), self.weighted((0, 1, 2), (55, 90, 100))
            core = core.rstrip("。") + "，" + "".join(self.fill(t, loc) for t in self.rng.sample(C.ACTION_EXTRAS, extras)) if extras else core
            text = opening + core + self.pick(C.ACTION_CLOSINGS)
            if low <= len(text) <= high:
                return text

    def place(self) -> tuple[str, str, str, str, bool]:
        """(district, township, area, loc: the public place the text names, urban)."""
        district = self.weighted(self.districts, self.district_cum)
        township = area = self.pick(C.DISTRICTS[district])
        urban = township.endswith("街道")
        loc = self.pick(C.COMMUNITIES) if urban else f"{township}{self.pick(C.VILLAGE_HEADS)}村"
        if not urban and self.chance(0.4):
            area = loc  # township + village, as the column names it
        return district, township, area, loc, urban

    def planted(self, person: Person, category: str) -> tuple[str, list[str]]:
        """Private details staff typed into the complaint (the scrubber's job), and `redact` terms."""
        r = self.rng.random()
        d = person.phone_digits
        if r < 0.04 and len(d) == 11 and d[0] == "1":
            return self.pick((f"其联系电话为{d[:3]} {d[3:7]} {d[7:]}", f"联系电话{d[:3]}-{d[3:7]}-{d[7:]}", f"手机号{d}")), []
        if r < 0.07 and person.room and (self.hard or "-" not in person.room):
            return f"其居住的{person.room}室内也受到影响".replace("室室", "室"), []
        if r < 0.09:
            return f"其本人{person.name}多次到现场查看", []
        if r < 0.10 and person.id_number:
            return f"其身份证号为{person.id_number}", []
        if r < 0.14:
            third = self.name()[0]
            role = {"农村问题": "村干部", "人事社保": "包工头", "市场监管": "店主"}.get(category, "邻居")
            return f"{role}{third}对此推诿扯皮", [third]
        return "", []

    def headline(self, problem) -> tuple[str, str]:
        return self.pick(problem[0]), self.pick(problem[1])

    # One case file.
    def case(self, case_id: str, received: dt.datetime) -> str:
        rng = self.rng
        r = rng.random()
        status = "resolved" if r < 0.92 else ("invalid" if r < 0.96 else self.pick(("received", "assigned")))
        withheld = status == "resolved" and r >= 0.90
        channel = "hotline" if rng.random() < 0.8 else self.pick(("mailbox", "mailbox", "mailbox", "other"))
        lines = []
        if withheld:
            lines.append(f"# Withheld: {self.pick(C.WITHHELD_REASONS)}. Counts in the statistics only.")
        lines += [f"id: {case_id}", f"status: {status}"]
        if withheld:
            lines.append("publish: false")
        lines += [f"channel: {channel}", f"received_at: {received:%Y-%m-%d %H:%M}", ""]
        district, township, area, loc, urban = self.place()
        person = self.person(district, township, urban)
        if status == "invalid":
            lines += ["caller:", f"  gender: {person.gender}", f"  phone: {_q(person.phone)}", "",
                      "complaint: |", f"  {self.pick(C.INVALID_TEXTS)}"]
            return "\n".join(lines) + "\n"
        category = self.weighted(self.categories, self.category_cum)
        problem = self.pick(C.PROBLEMS[category])
        lines += self.caller(person, category)
        lines += ["", "place:", f"  district: {district}", f"  area: {area}", "",
                  f"category: {category}", "headline: [{}]".format(", ".join(map(_q, self.headline(problem))))]
        planted, redact = self.planted(person, category)
        lines += ["complaint: |", *_block(self.complaint(problem, loc, planted), 2)]
        departments = C.DEPARTMENTS_BY_CATEGORY[category]
        if status == "received":
            return "\n".join(lines + _redact(redact)) + "\n"
        assigned = received.date() + dt.timedelta(days=0 if received.hour < 17 else 1)
        lines += ["", "handling:"]
        if status == "assigned":
            lines += [f"  - department: {self.pick(departments)}", f"    assigned_at: {assigned}"]
            return "\n".join(lines + _redact(redact)) + "\n"
        days = rng.randint(1, 12) if rng.random() < 0.85 else rng.randint(13, 60)
        resolved = max(assigned, received.date() + dt.timedelta(days=days))
        chosen = [self.pick(departments)]
        if rng.random() < 0.1:
            other = self.pick(departments)
            if other != chosen[0]:
                chosen.append(other)
        for dept in chosen:
            finding = self.pick(C.FINDINGS)
            visit = min(resolved, assigned + dt.timedelta(days=rng.randint(0, 2)))
            lines += [f"  - department: {dept}", f"    assigned_at: {assigned}", f"    finding: {finding}",
                      "    action: |", *_block(self.action(problem, dept, finding, loc, visit), 6), f"    finished_at: {resolved}"]
        lines += ["", f"resolved_at: {resolved}"]
        result = self.weighted(self.results, self.result_cum)
        lines += ["followup:", f"  at: {resolved + dt.timedelta(days=rng.randint(1, 6))}", f"  result: {result}"]
        if rng.random() < 0.9:
            lines.append(f"  comment: {self.pick(C.FOLLOWUPS[result])}")
        if result == "unsatisfied" and rng.random() < 0.4 or rng.random() < 0.01:
            lines.append(f"rehandled: {rng.randint(1, 2)}")
        if days > 20 and rng.random() < 0.3 or rng.random() < 0.02:
            lines.append(f"supervision_level: {rng.randint(1, 3)}")
        lines += _redact(redact)
        if rng.random() < 0.3:
            lines.append(f"reporter: {self.pick(C.REPORTERS)}")
        return "\n".join(lines) + "\n"

    def caller(self, person: Person, category: str) -> list[str]:
        rng = self.rng
        lines = ["caller:", f"  name: {person.name}", f"  gender: {person.gender}", f"  phone: {_q(person.phone)}"]
        if person.address:
            lines.append(f"  address: {person.address}")
        if person.id_number:
            lines.append(f"  id_number: {_q(person.id_number)}")
        if category == "人事社保" and rng.random() < 0.6 or rng.random() < 0.05:
            lines.append(f"  employer: 信阳市{self.pick(C.BRANDS)}{self.pick(C.INDUSTRIES)}有限公司")
        if rng.random() < 0.08:
            local = "".join(self.pick("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 7)))
            lines.append(f"  email: {_q(f'{local}{rng.randint(10, 9999)}@{self.pick(C.EMAIL_DOMAINS)}')}")
        if rng.random() < 0.03:
            lines.append(f"  wechat: {_q(f'wx_{rng.randrange(16**8):08x}')}")
        if category == "交通问题" and rng.random() < 0.2:
            plate = "".join(self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(5))
            lines.append(f"  plate: 豫S{plate}")
        if rng.random() < 0.9:
            lines.append(f"caller_role: {self.pick(C.ROLES_BY_CATEGORY[category])}")
        return lines


def _q(text: str) -> str:
    """A double-quoted YAML scalar (our texts have no quotes or backslashes)."""
    return f'"{text}"'


def _block(text: str, indent: int) -> list[str]:
    """The lines of a YAML literal block scalar's content."""
    pad = " " * indent
    return [pad + line if line else "" for line in text.split("\n")]


def _redact(terms: list[str]) -> list[str]:
    return [f"redact: [{', '.join(terms)}]"] if terms else []


def generate(directory: Path, n: int, seed: int = 1, hard: bool = False) -> dict[str, int]:
    """Write a case set of `n` cases into `directory` (emptied first); counts by status.

    `hard` also writes two spellings that the output guard, as of this
    writing, takes for leaks in unrelated numbers at scale (so the build
    stops): local phone numbers without the area code (5813793 found in a
    run of figures on stats/index.html at 100,000 cases) and rooms written
    11-2-903 in the complaint (searched as the bare digits 112903, found in
    0.1129032 in stats/stats.json at 10,000 cases).
    """
    directory = Path(directory)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for registry in REGISTRIES:
        shutil.copyfile(ROOT / "cases_data" / registry, directory / registry)
    gen = Generator(n, seed, hard)
    counts: dict[str, int] = {}
    sequence: dict[int, int] = {}
    made: set[Path] = set()
    for received in gen.received_times():
        sequence[received.year] = number = sequence.get(received.year, 0) + 1
        case_id = f"XY-{received.year}-{number:06d}"
        text = gen.case(case_id, received)
        folder = directory / f"{received:%Y}" / f"{received:%m}"
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        (folder / f"{case_id}.yaml").write_text(text, "utf-8")
        status = text.split("status: ", 1)[1].split("\n", 1)[0]
        key = "withheld" if "publish: false" in text else status
        counts[key] = counts.get(key, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="生成用于性能测试的虚构案件目录（同一种子和数量，结果完全相同）。")
    p.add_argument("directory", type=Path, help="输出的案件目录（会先清空）")
    p.add_argument("-n", "--cases", type=int, default=10_000, help="案件数（默认 10000）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    p.add_argument("--hard", action="store_true", help="也写不带区号的七位电话和 11-2-903 式门牌（曾让输出检查误报，用来复查）")
    args = p.parse_args(argv)
    start = time.perf_counter()
    counts = generate(args.directory, args.cases, args.seed, args.hard)
    print(f"已生成 {args.cases} 个案件到 {args.directory}（{time.perf_counter() - start:.1f} 秒）：{counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
