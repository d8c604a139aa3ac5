"""`hotline watch`'s engine (build/live.py): after any sequence of edits the
published site is byte for byte what a cold build of the same input makes,
a case text edit is applied live (only that file read, only changed bytes
written), and everything else takes a full build."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SETTINGS, make_case, tree, write_cases

from hotline.build.live import LiveSite
from hotline.commands.build import build_site


def case(number: int, **changes) -> dict:
    """A distinct published case: its own id, caller and words."""
    names = ["何丽华", "张建国", "李秀英", "王志强", "刘桂兰", "陈海燕", "杨明辉", "赵淑珍"]
    return make_case(
        id=f"XY-2013-{number:06d}",
        received_at=f"2013-0{1 + number % 3}-1{number % 10} 09:12",
        resolved_at=f"2013-0{1 + number % 3}-2{number % 10}",
        caller={"name": names[number % len(names)], "gender": "female", "phone": f"138 3761 {2000 + number}"},
        headline=[f"第{number}号管道损坏致停水", "及时维修促供水"],
        **changes,
    )


class Site:
    """A cases folder, its live site, and cold builds of the same input to compare with."""

    def __init__(self, tmp: Path, cases: dict[str, dict]):
        self.tmp = tmp
        self.cases = write_cases(tmp / "cases", cases)
        self.theme = tmp / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        self.output = tmp / "live"
        self.live = LiveSite(lambda: build_site(SETTINGS, self.overrides(self.output)))
        self.colds = 0

    def overrides(self, output: Path) -> dict:
        return {"CASES_PATH": str(self.cases), "OUTPUT_PATH": str(output), "THEME": str(self.theme)}

    def rebuild(self, *changed: Path) -> bool:
        """Apply `changed`; True if it took a full build."""
        return self.live.rebuild(set(changed))[1]

    def assert_same_as_cold(self) -> None:
        self.colds += 1
        cold = self.tmp / f"cold{self.colds}"
        build_site(SETTINGS, self.overrides(cold))
        live, expected = tree(self.output), tree(cold)
        assert live.keys() == expected.keys()
        assert [name for name in live if live[name] != expected[name]] == []
        shutil.rmtree(cold)

    def edit(self, name: str, change) -> Path:
        path = self.cases / name
        data = yaml.safe_load(path.read_text("utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path


@pytest.fixture(autouse=True)
def _in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def _text(data: dict, word: str) -> None:
    data["complaint"] = data["complaint"].replace("请求", word, 1) if "请求" in data["complaint"] else data["complaint"] + word


def test_a_text_edit_is_applied_live_and_rewrites_only_what_changed(tmp_path):
    site = Site(tmp_path, {f"2013/0{1 + n % 3}/c{n}.yaml": case(n) for n in range(6)})
    assert site.rebuild() is True  # the first build is a full one
    before = {p: os.stat(site.output / p).st_ino for p in tree(site.output)}
    old = tree(site.output)
    path = site.edit("2013/01/c3.yaml", lambda d: _text(d, "恳请"))
    assert site.rebuild(path) is False
    assert "恳请相关部门" in (site.output / "cases/XY-2013-000003.html").read_text("utf-8")
    new = tree(site.output)
    same = [p for p in new if p in old and new[p] == old[p]]
    assert same and all(os.stat(site.output / p).st_ino == before[p] for p in same)  # not rewritten: links
    site.assert_same_as_cold()


def test_every_kind_of_edit_gives_the_bytes_of_a_cold_build(tmp_path):
    site = Site(tmp_path, {f"2013/0{1 + n % 3}/c{n}.yaml": case(n) for n in range(5)})
    site.rebuild()
    steps = [
        ("text", False, lambda: site.edit("2013/02/c1.yaml", lambda d: _text(d, "恳请"))),
        ("headline", False, lambda: site.edit("2013/03/c2.yaml", lambda d: d.update(headline=["新的标题文字", "已经解决"]))),
        ("follow-up", False, lambda: site.edit("2013/01/c0.yaml", lambda d: d["followup"].update(result="unsatisfied"))),
        ("date", False, lambda: site.edit("2013/02/c4.yaml", lambda d: d.update(resolved_at="2013-03-30"))),
        ("new case", True, lambda: _write(site.cases / "2013/03/c9.yaml", case(9))),
        ("caller name", True, lambda: site.edit("2013/02/c1.yaml", lambda d: d["caller"].update(name="孙卫东"))),
        ("phone in text", True, lambda: site.edit("2013/03/c2.yaml", lambda d: _text(d, "电话13912345678"))),
        ("unpublished", True, lambda: site.edit("2013/01/c3.yaml", lambda d: d.update(publish=False))),
        ("deleted", True, lambda: _remove(site.cases / "2013/03/c9.yaml")),
        ("registry", True, lambda: _registry(site.cases)),
        ("template", True, lambda: _replace(site.theme / "templates/base.html", "一律不公开。", "一律不公开（编辑过的模板）。")),
        ("text again", False, lambda: site.edit("2013/02/c4.yaml", lambda d: _text(d, "再次"))),
    ]
    for what, full, apply in steps:
        changed = apply()
        assert site.rebuild(changed) is full, what
        site.assert_same_as_cold()
    assert "编辑过的模板" in (site.output / "cases/XY-2013-000000.html").read_text("utf-8")
    assert "XY-2013-000003" not in "".join(tree(site.output))  # unpublished: its page is gone


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_sequence_of_edits_gives_the_bytes_of_a_cold_build(tmp_path, seed):
    rng = random.Random(seed)
    names = [f"2013/0{1 + n % 3}/c{n}.yaml" for n in range(6)]
    site = Site(tmp_path, {name: case(n) for n, name in enumerate(names)})
    site.rebuild()
    words = ["恳请", "再三请求", "希望尽快", "多次请求"]
    for _ in range(6):
        name = rng.choice(names)
        kind = rng.choice(["text", "text", "facts", "caller", "publish"])
        if kind == "text":
            path = site.edit(name, lambda d: _text(d, rng.choice(words)))
        elif kind == "facts":
            path = site.edit(name, lambda d: d.update(rehandled=rng.randint(0, 2)))
        elif kind == "caller":
            path = site.edit(name, lambda d: d["caller"].update(name=rng.choice(["周建华", "吴晓梅", "郑国强"])))
        else:
            path = site.edit(name, lambda d: d.update(publish=not d.get("publish", True)))
        site.rebuild(path)
        site.assert_same_as_cold()


def test_registry_template_settings_and_page_edits_take_a_full_build(tmp_path):
    site = Site(tmp_path, {"2013/01/c1.yaml": case(1)})
    site.rebuild()
    edits = [site.cases / "departments.yaml", site.theme / "templates/base.html", SETTINGS,
             ROOT / "content/pages/about.md", site.cases / "2013"]
    for path in edits:
        assert site.rebuild(path) is True, path
    # A file no build reads (an editor's swap file) takes nothing; a case file does.
    assert site.rebuild(site.cases / "2013/01/.c1.yaml.swp") is False
    assert site.rebuild(site.cases / "2013/01/c1.yaml") is False


def test_after_a_failed_rebuild_the_next_one_is_full_and_the_site_stays(tmp_path):
    site = Site(tmp_path, {"2013/01/c1.yaml": case(1), "2013/01/c2.yaml": case(2)})
    site.rebuild()
    published = tree(site.output)
    bad = site.cases / "2013/01/c1.yaml"
    bad.write_text("id: [\n", "utf-8")
    with pytest.raises(SystemExit):
        site.rebuild(bad)
    assert tree(site.output) == published
    _write(bad, case(1))
    assert site.rebuild(bad) is True
    site.assert_same_as_cold()


def _write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _remove(path: Path) -> Path:
    path.unlink()
    return path


def _replace(path: Path, old: str, new: str) -> Path:
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    return path


def _registry(cases: Path) -> Path:
    path = cases / "categories.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data.append({"name": "交通出行"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path
