"""Property tests over whole records (hypothesis).

- A generated caller's details, planted in every free-text field of a
  published case (and of an unpublished one) in many spellings, never reach
  any output file: a tiny site is built per example.
- Reading and building never crash on a generated record, valid or not.
- The anonymiser is deterministic and idempotent over whole PublicCase texts.

Output is searched by this module's own normalisation (escapes decoded,
NFKC, invisible characters dropped, separators inside numbers removed), not
by the guard, so the guard is not its own judge.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import json
import re
import unicodedata
import urllib.parse
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import CATEGORIES, DEPARTMENTS, DISTRICTS, ROOT, make_case, write_cases
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from hotline.build.pelican import run_pelican
from hotline.load.anonymise import Anonymiser
from hotline.load.casedata import load_cases
from hotline.load.records import read_yaml
from hotline.load.registries import load_registries
from hotline.load.validate import validate
from hotline.privacy.spelling import INVISIBLE
from hotline.problems import BuildFailed

TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = ["何", "张", "王", "李", "赵", "孙", "欧阳", "司马", "诸葛", "上官"]
GIVEN = "丽华建伟芳娜敏静秀英强军磊洋勇艳杰涛超霞"
FILLER = ["近期经常停水", "夜间路灯不亮", "噪音扰民", "门前道路破损", "垃圾无人清运", "经核实", "已安排维修", "反映人表示满意", "。", "，"]
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
SITES = itertools.count()

slow = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def callers(draw) -> dict:
    surname = draw(st.sampled_from(SURNAMES))
    given = "".join(draw(st.lists(st.sampled_from(GIVEN), min_size=2, max_size=2, unique=True)))
    birth = draw(st.dates(min_value=__import__("datetime").date(1950, 1, 1), max_value=__import__("datetime").date(2005, 12, 31)))
    return {
        "name": surname + given,
        "gender": draw(st.sampled_from(["male", "female", "unknown"])),
        "phone": "1" + draw(st.sampled_from("3456789")) + draw(st.from_regex(r"[0-9]{9}", fullmatch=True)),
        "id_number": draw(st.from_regex(r"41[0-9]{4}", fullmatch=True)) + birth.strftime("%Y%m%d")
        + draw(st.from_regex(r"[0-9]{3}[0-9X]", fullmatch=True)),
        "address": f"浉河区{draw(st.sampled_from(['幸福', '和平', '光明']))}小区{draw(st.integers(1, 30))}号楼"
                   f"{draw(st.integers(1, 6))}单元{draw(st.integers(101, 2899))}室",
        "employer": f"信阳市{draw(st.sampled_from(['宏达', '金桥', '华泰']))}商贸有限公司",
    }


def spellings(kind: str, value: str) -> st.SearchStrategy[str]:
    """The ways a person might write `value` in a free text."""
    if kind == "phone":
        a, b, c = value[:3], value[3:7], value[7:]
        return st.sampled_from([
            value, f"{a} {b} {c}", f"{a}-{b}-{c}", f"{a}—{b}—{c}", value.translate(FULL_WIDTH),
            f"{a} {b.translate(FULL_WIDTH)} {c}", f"+86 {a} {b} {c}", f"+86-{value}", f"0086{value}", f"86 {value}",
            f"（{a}）{b}{c}", f"{a}·{b}·{c}",
        ])
    if kind == "id_number":
        return st.sampled_from([value, value.lower(), f"{value[:6]} {value[6:14]} {value[14:]}", value.translate(FULL_WIDTH)])
    if kind == "name":
        return st.sampled_from([value, f"{value}同志", f"{value}（来电人）"])
    return st.just(value)


@st.composite
def planted_text(draw, caller: dict, other: dict) -> str:
    """Filler words with some of both callers' details in between."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        parts.append(draw(st.sampled_from(FILLER)))
        who = draw(st.sampled_from([caller, caller, other]))
        kind = draw(st.sampled_from(["name", "phone", "id_number", "address", "employer"]))
        parts.append(draw(spellings(kind, who[kind])))
    parts.append(draw(st.sampled_from(FILLER)))
    return "".join(parts)


@st.composite
def planted_sites(draw) -> tuple[dict, dict, dict]:
    caller, other = draw(callers()), draw(callers())
    assume(caller["name"][0] != other["name"][0] or caller["name"] != other["name"])
    text = lambda: draw(planted_text(caller, other))  # noqa: E731
    published = make_case(
        headline=[text()[:40], text()[:40]],
        complaint=text() + "\n\n" + text(),
        handling=[{"department": "市城管执法局", "assigned_at": "2013-01-10", "finding": text(), "action": text()},
                  {"department": "市公安局", "action": text()}],
        followup={"at": "2013-01-16", "result": "satisfied", "comment": text()},
        reporter=draw(st.sampled_from(["曾宪科", caller["name"], other["name"]])),
        caller=caller,
        redact=[other["name"]],
    )
    unpublished = {"id": "XY-2013-000099", "status": "received", "received_at": "2013-02-01",
                   "caller": other, "complaint": text()}
    return published, unpublished, {"caller": caller, "other": other}


def visible(raw: bytes) -> str:
    """What a reader could see in an output: escapes decoded, invisible characters gone."""
    text = raw.decode("utf-8", errors="replace")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(html.unescape(urllib.parse.unquote(text)))
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if c not in INVISIBLE)


def leaks(site: Path, secrets: dict[str, dict]) -> list[str]:
    """Private details of either caller found in any file of the site."""
    found = []
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pagefind", ".pf_filter"):
            continue
        text = visible(path.read_bytes())
        joined = re.sub(r"(?<=[0-9])[\s\-‐‑–—·•・.()（）+]+(?=[0-9xX])", "", text)
        compact = re.sub(r"\s+", "", text)
        for who, caller in secrets.items():
            for kind in ("phone", "id_number"):
                if caller[kind][:-1] in joined:
                    found.append(f"{path.relative_to(site)}: {who}.{kind}")
            for kind in ("name", "address", "employer"):
                if caller[kind] in compact:
                    found.append(f"{path.relative_to(site)}: {who}.{kind}")
            given = caller["name"][len(caller["name"]) - 2:]
            if "XY-2013-000042" in path.name and given in compact:
                found.append(f"{path.relative_to(site)}: {who}.name (given name {given})")
    return found


def build(tmp_root: Path, cases: dict) -> tuple[Path, str | None]:
    """Build a tiny site; (output, None) or (output, the message it stopped with)."""
    root = tmp_root / f"site{next(SITES)}"
    write_cases(root / "cases", cases)
    out = root / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        try:
            run_pelican(ROOT / "pelicanconf.py", {"CASES_PATH": str(root / "cases"), "OUTPUT_PATH": str(out)})
        except BuildFailed as stopped:
            return out, str(stopped.code)
    return out, None


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


@slow
@given(planted_sites())
def test_planted_private_details_never_reach_any_output(tmp_root, example):
    published, unpublished, secrets = example
    note(yaml.safe_dump(published, allow_unicode=True))
    out, stopped = build(tmp_root, {"2013/01/a.yaml": published, "2013/02/b.yaml": unpublished})
    if stopped is not None:
        event("the build stopped (fails closed)")
        assert "隐私保护" in stopped, stopped  # the only reason a valid record may stop the build
        assert not out.exists()
        for caller in secrets.values():
            assert caller["name"] not in stopped and caller["phone"] not in stopped
        return
    event("the build published the case")
    assert (out / "cases" / "XY-2013-000042.html").is_file()
    found = leaks(out, secrets)
    assert not found, found


# Values a record's fields may take: well-formed, wrong in type, or odd.
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.text(max_size=30),
    st.dates(), st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.sampled_from(["", " ", "2013-02-30", "resolved", "市城管执法局", "城市管理", "浉河区", "\x00", "<script>", "{{ x }}"]),
)
KEYS = list(make_case()) + ["publish", "channel", "caller_role", "rehandled", "supervision_level", "redact", "typo_key"]


@st.composite
def mutated_records(draw) -> dict:
    case = make_case()
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
        if draw(st.booleans()):
            case.pop(key, None)
        else:
            case[key] = draw(ODD_VALUES)
    if draw(st.booleans()) and isinstance(case.get("handling"), list) and case["handling"] \
            and isinstance(case["handling"][0], dict):
        field = draw(st.sampled_from(["department", "assigned_at", "finding", "action", "finished_at", "extra"]))
        case["handling"] = [{**case["handling"][0], field: draw(ODD_VALUES)}]
    return case


def yaml_text(case: dict) -> str | None:
    try:
        return yaml.safe_dump(case, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_records())
def test_loading_never_crashes_on_a_generated_record(tmp_root, case):
    text = yaml_text(case)
    assume(text is not None)
    root = tmp_root / f"load{next(SITES)}"
    cases = write_cases(root, {"a.yaml": text})
    result, problems = load_cases(cases, TZ)
    assert (result is None) == bool(problems)
    for problem in problems:
        assert problem.file.endswith("a.yaml") and problem.message and "\n" not in str(problem)
    event("valid" if result else "refused")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200),
                 st.text(alphabet="[]{}:-?&*!|>'\"#%@`,\n\t abc1", max_size=120)))
def test_reading_any_bytes_never_raises(tmp_path_factory, content):
    path = tmp_path_factory.getbasetemp() / "any.yaml"
    if isinstance(content, str):
        path.write_text(content, "utf-8", errors="surrogatepass")
    else:
        path.write_bytes(content)
    source, problems = read_yaml(path)
    assert source.data is not None or problems or not content


@slow
@given(mutated_records())
def test_building_never_crashes_on_a_generated_record(tmp_root, case):
    """A record, valid or not, gives a site or a clear message: never a traceback."""
    text = yaml_text(case)
    assume(text is not None)
    out, stopped = build(tmp_root, {"2013/01/a.yaml": text})
    if stopped is None:
        event("built")
        assert (out / "index.html").is_file()
    else:
        event("refused")
        assert "a.yaml" in stopped or "隐私保护" in stopped, stopped
        assert "Traceback" not in stopped


@pytest.fixture(scope="module")
def registries(tmp_path_factory):
    cases = write_cases(tmp_path_factory.mktemp("registries"), {})
    found, problems = load_registries(cases)
    assert not problems
    return found


def records_of(tmp_root: Path, registries, *cases: dict):
    records = []
    for i, case in enumerate(cases):
        path = tmp_root / f"r{next(SITES)}-{i}.yaml"
        path.write_text(yaml.safe_dump(case, allow_unicode=True), "utf-8")
        source, problems = read_yaml(path)
        record, more = validate(source, registries, TZ)
        assert record is not None, problems + more
        records.append(record)
    return records


def anonymiser(records, registries) -> Anonymiser:
    return Anonymiser(records, registries)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(planted_sites())
def test_anonymiser_is_deterministic_and_idempotent(tmp_root, registries, example):
    published, unpublished, _ = example
    unpublished = {**make_case(id="XY-2013-000099", publish=False), "caller": unpublished["caller"],
                   "complaint": unpublished["complaint"]}
    records = records_of(tmp_root, registries, published, unpublished)
    first, values = anonymiser(records, registries).anonymise(records[0])
    again, values_again = anonymiser(records_of(tmp_root, registries, published, unpublished), registries).anonymise(records[0])
    assert again == first and values_again == values
    # The anonymised texts, anonymised again, stay as they are.
    record = records[0]
    rescrubbed = dataclasses.replace(
        record,
        headline=first.headline,
        complaint=first.complaint,
        handling=tuple(dataclasses.replace(h, finding=p.finding, action=p.action) for h, p in zip(record.handling, first.handling, strict=False)),
        followup={**record.followup, "comment": first.followup.comment},
        reporter=first.reporter,
        area=first.area,
    )
    second, _ = anonymiser([rescrubbed, records[1]], registries).anonymise(rescrubbed)
    assert second.texts() == first.texts()
    assert json.dumps(second.texts(), ensure_ascii=False) == json.dumps(first.texts(), ensure_ascii=False)


def test_the_anonymiser_does_not_depend_on_the_order_of_records(tmp_root, registries):
    published = make_case(complaint="何丽建多次来电反映小区停水。", redact=["何丽建"])
    withheld = make_case(id="XY-2013-000099", publish=False, caller={"name": "何丽建", "gender": "male"})
    a, b = records_of(tmp_root, registries, published, withheld)
    assert anonymiser([a, b], registries).anonymise(a)[0] == anonymiser([b, a], registries).anonymise(a)[0]


@pytest.mark.parametrize("spelling", ["（139）1234-5678", "(139)12345678", "139.1234.5678"])
def test_an_undeclared_phone_in_parentheses_or_dots_is_scrubbed(tmp_root, registries, spelling):
    case = make_case(complaint=f"邻居的电话是{spelling}，请帮忙联系。")
    (record,) = records_of(tmp_root, registries, case)
    public, _ = anonymiser([record], registries).anonymise(record)
    assert not re.search(r"\d{3}", public.complaint), public.complaint


@st.composite
def mutated_registries(draw) -> tuple[list, list, list]:
    departments = [dict(d) for d in DEPARTMENTS]
    categories = [dict(c) for c in CATEGORIES]
    districts = [dict(d) for d in DISTRICTS]
    for entries, keys in ((departments, ["name", "phone", "aliases", "slug", "extra"]), (categories, ["name", "slug", "phone"]),
                          (districts, ["name", "aliases", "slug", "phone"])):
        for _ in range(draw(st.integers(0, 3))):
            entry = entries[draw(st.integers(0, len(entries) - 1))]
            key = draw(st.sampled_from(keys))
            if draw(st.booleans()):
                entry.pop(key, None)
            else:
                entry[key] = draw(ODD_VALUES)
        if draw(st.booleans()):
            entries.append(draw(st.one_of(ODD_VALUES, st.just({"name": entries[0].get("name")}))))
    return departments, categories, districts


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_registries())
def test_loading_never_crashes_on_generated_registries(tmp_root, registries_triple):
    departments, categories, districts = registries_triple
    root = tmp_root / f"reg{next(SITES)}"
    try:
        cases = write_cases(root, {"a.yaml": make_case()}, departments=departments, categories=categories, districts=districts)
    except yaml.YAMLError:
        assume(False)
    result, problems = load_cases(cases, TZ)
    assert (result is None) == bool(problems)
    for problem in problems:
        assert problem.message and "\n" not in str(problem)
    event("valid" if result else "refused")
