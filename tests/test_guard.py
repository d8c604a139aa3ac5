"""The output guard finds private values in every spelling, and only them."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from hotline.build.guard import Guard, LeakError, normalise
from hotline.privacy.private import NUMBER, PrivateValue

CASE = "XY-2013-000042"
OTHER = "XY-2013-000043"
PHONE = PrivateValue("138 3761 2045", CASE, "caller.phone", NUMBER)
ID_NUMBER = PrivateValue("41150219870315452X", CASE, "caller.id_number", NUMBER)
NAME = PrivateValue("何丽华", CASE, "caller.name")
GIVEN_NAME = PrivateValue("建国", OTHER, "caller.name", strong=False)
VALUES = [PHONE, ID_NUMBER, NAME, GIVEN_NAME]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(VALUES)


def leak(guard: Guard, text: str | bytes, path: str = "cases/a.html", scope=None) -> LeakError:
    with pytest.raises(LeakError) as info:
        guard.check(path, text, scope)
    return info.value


def url_encoded(text: str) -> str:
    """Every character percent-encoded, digits too."""
    return "".join(f"%{b:02X}" for b in text.encode())


@pytest.mark.parametrize(
    "spelling",
    [
        "13837612045",
        "138 3761 2045",
        "138-3761-2045",
        "+86 138 3761 2045",
        "0086-138-3761-2045",
        "１３８３７６１２０４５",
        "&#49;&#51;&#56;37612045",
        "&#x31;&#x33;&#x38;37612045",
        "&amp;#49;&#51;&#56;37612045",
        "\\u0031\\u0033837612045",
        url_encoded("13837612045"),
        "138\u200b3761\u20602045",
        "138 3761 2045 转 12",
        "13837612045 2013",
        "分机 13837612045-123",
    ],
)
def test_phone_is_found_in_any_spelling(guard: Guard, spelling: str) -> None:
    err = leak(guard, f"<p>来电人电话：{spelling}。</p>")
    assert (err.case_id, err.field) == (CASE, "caller.phone")


@pytest.mark.parametrize(
    "spelling",
    [
        "何丽华",
        "何&#20029;华",
        "何&#x4E3D;华",
        "何\\u4e3d华",
        "%E4%BD%95%E4%B8%BD%E5%8D%8E",
        "何\u200b丽华",
        "何\u202e丽\ufeff华",
        "何 丽 华",
        "何·丽·华",
        "<b>何</b><b>丽华</b>",
        "何<b></b>丽<i></i>华",
    ],
)
def test_name_is_found_in_any_spelling(guard: Guard, spelling: str) -> None:
    err = leak(guard, f"反映人{spelling}称")
    assert (err.case_id, err.field) == (CASE, "caller.name")


def test_json_escaped_output_is_searched(guard: Guard) -> None:
    text = json.dumps({"text": "何丽华 138 3761 2045"}, ensure_ascii=True)
    assert "何" not in text
    assert leak(guard, text).field == "caller.name"


@pytest.mark.parametrize("spelling", ["41150219870315452x", "41150219870315452X", "411502 19870315 452x"])
def test_id_number_with_checksum_x(guard: Guard, spelling: str) -> None:
    assert leak(guard, f"身份证号{spelling}。").field == "caller.id_number"


@pytest.mark.parametrize(
    "text",
    [
        "坐标 991383761204599",  # the phone inside a longer digit run
        "M991383761204599 L0 0",
        "编号 138376120",  # the phone's first nine digits only
        "编号 13837613045",  # another number: differs in the eighth digit
        "编号 138376120451234567",  # more than an extension after it
        "411502198703154",  # part of the ID
    ],
)
def test_no_hit_inside_longer_runs_or_on_prefixes(guard: Guard, text: str) -> None:
    guard.check("a.html", text)


def test_number_recorded_with_country_code_or_without_checksum() -> None:
    guard = Guard([PrivateValue("+86 138 3761 2045", CASE, "caller.phone", NUMBER), ID_NUMBER])
    assert leak(guard, "电话 13837612045").field == "caller.phone"
    assert leak(guard, "身份证 41150219870315452").field == "caller.id_number"


def test_extension_and_country_code_are_hits(guard: Guard) -> None:
    leak(guard, "138376120451234")  # phone + 4-digit extension
    leak(guard, "8613837612045")
    leak(guard, "008613837612045")


def test_weak_values_only_in_scoped_outputs(guard: Guard) -> None:
    text = "市民反映建国路路灯不亮"
    guard.check("index.html", text)  # aggregate output
    guard.check("cases/x.html", text, frozenset({CASE}))  # another case's page
    err = leak(guard, text, scope=frozenset({OTHER}))
    assert (err.case_id, err.field) == (OTHER, "caller.name")


def test_strong_values_are_flagged_everywhere(guard: Guard) -> None:
    leak(guard, "何丽华", path="index.html", scope=None)
    leak(guard, "何丽华", scope=frozenset({OTHER}))


def test_department_number_is_not_flagged(guard: Guard) -> None:
    guard.check("a.html", "市城管执法局（电话：6381234）；市长热线 12345；0376-6381234")


def test_short_values_are_ignored() -> None:
    guard = Guard(
        [
            PrivateValue("何", CASE, "redact[0]"),
            PrivateValue("123456", CASE, "caller.phone", NUMBER),
        ]
    )
    guard.check("a.html", "何女士 123456")


def test_error_message_is_masked() -> None:
    guard = Guard([PHONE, NAME])
    err = leak(guard, "电话 13837612045", path="cases/XY-1.html")
    message = str(err)
    assert message == (
        "隐私保护：输出文件 cases/XY-1.html 含有案件 XY-2013-000042 的 caller.phone"
        "（138****2045），构建已中止，已发布的网站保持不变。"
    )
    assert "13837612045" not in message and "3761" not in message
    assert (err.path, err.case_id, err.field, err.masked) == (
        "cases/XY-1.html", CASE, "caller.phone", "138****2045"
    )
    err = leak(guard, "何丽华")
    assert "何丽华" not in str(err) and "何**" in str(err)
    assert "丽" not in " ".join(map(str, vars(err).values()))


def test_file_name_is_checked_and_not_shown(guard: Guard) -> None:
    err = leak(guard, "clean", path="people/何丽华/index.html")
    assert err.path == "people/…" and "何丽华" not in str(err)
    assert "输出文件名" in str(err)


def test_check_tree_finds_value_in_file_name(guard: Guard, tmp_path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "ok.html").write_text("ok", encoding="utf-8")
    (tmp_path / "cases" / "%E4%BD%95%E4%B8%BD%E5%8D%8E.html").write_text("ok", encoding="utf-8")
    with pytest.raises(LeakError) as info:
        guard.check_tree(tmp_path, set())
    assert info.value.field == "caller.name"
    assert "%E4" not in str(info.value)


def test_check_tree_reads_files_and_honours_skip(guard: Guard, tmp_path) -> None:
    (tmp_path / "feeds").mkdir()
    leaky = tmp_path / "feeds" / "data.json"
    leaky.write_text('{"tel": "138-3761-2045"}', encoding="utf-8")
    with pytest.raises(LeakError) as info:
        guard.check_tree(tmp_path, set())
    assert info.value.path == "feeds/data.json"
    guard.check_tree(tmp_path, {"feeds/data.json"})


@pytest.mark.parametrize("encoding", ["gb2312", "gbk"])
def test_led_feed_in_chinese_charset_is_decoded(guard: Guard, encoding: str) -> None:
    data = "来电人何丽华反映停水".encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert leak(guard, data, path=f"led/ticker-{encoding}.txt").field == "caller.name"


def test_normalise_compacts_separators() -> None:
    assert normalise("138 3761 2045") == normalise("138-3761-2045") == "13837612045"
    assert normalise("何 丽 华") == "何丽华"
    assert normalise("豫S·A1234") == "豫sa1234"
    assert normalise("Ｈｅ.Lihua@Example.com") == "helihuaexamplecom"
    assert normalise("\\u4e3d\\ud83d\\ude00") == "丽"  # letters and digits only


# Property tests ---------------------------------------------------------------

CHINESE = st.text(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from("，。：；！？（）《》、 \n"),
    ),
    max_size=200,
)


def _spell(digits: str, style: str) -> str:
    if style == "groups":
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == "dashes":
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == "country":
        return f"+86 {digits}"
    if style == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in digits)
    if style == "entities":
        return "".join(f"&#{ord(c)};" for c in digits)
    if style == "json":
        return "".join(f"\\u{ord(c):04x}" for c in digits)
    if style == "url":
        return url_encoded(digits)
    if style == "zero-width":
        return "\u200b".join(digits)
    return digits


SPELLINGS = st.sampled_from(
    ["plain", "groups", "dashes", "country", "fullwidth", "entities", "json", "url", "zero-width"]
)


@given(before=CHINESE, after=CHINESE, style=SPELLINGS)
def test_planted_phone_is_always_found(before: str, after: str, style: str) -> None:
    guard = Guard(VALUES)
    text = before + _spell("13837612045", style) + after
    with pytest.raises(LeakError) as info:
        guard.check("cases/x.html", text)
    assert info.value.field == "caller.phone"


@given(
    text=st.text(
        st.one_of(
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        ),
        max_size=300,
    )
)
def test_text_without_private_values_passes(text: str) -> None:
    digits = "".join(c for c in text if c.isdigit())
    assume("何" not in text and "13837612045" not in digits and "4115021987" not in digits)
    Guard(VALUES).check("cases/x.html", text)


def test_no_false_alarm_from_chart_coordinates_or_decimal_fractions():
    """Seen at scale: a 7-digit phone inside SVG coordinates, a room number inside a rate."""
    from hotline.build.guard import Guard
    from hotline.privacy.private import NUMBER, TEXT, PrivateValue

    guard = Guard([PrivateValue("5813793", "XY-1", "caller.phone", NUMBER),
                   PrivateValue("11-2-903", "XY-2", "complaint（门牌号）", TEXT)])
    guard.check("stats/index.html", '<g transform="rotate(320 345.581379 301.719292)">')
    guard.check("stats/stats.json", '{"followup_rate": 0.1129032258}')
    with pytest.raises(LeakError):
        guard.check("cases/x.html", "电话 581-3793")
    with pytest.raises(LeakError):
        guard.check("cases/y.html", "住 11-2-903 室")


@pytest.mark.parametrize("cut", ["1383761204", "+86 138 3761 204", "41150219870315452"])
def test_a_long_number_missing_its_last_digit_is_a_leak(guard: Guard, cut: str) -> None:
    assert leak(guard, f"<p>电话 {cut}。</p>").field in ("caller.phone", "caller.id_number")


@pytest.mark.parametrize(
    "declared",
    ["0086-135-4503-7010", "135-4503-7010", "+86-135-4503-7010", "86-13545037010", "135 4503 7010", "13545037010"],
)
def test_a_mobile_has_no_extension_to_drop(declared: str) -> None:
    """Seen at 90,000 cases: 0086-135-4503-7010 was also taken for a landline
    0086-135-4503 with extension 7010, so the page counter 第 135/4503 页 stopped the build."""
    from hotline.privacy.private import caller_values

    guard = Guard(caller_values({"name": "苏燕云", "phone": declared}, CASE, "caller"))
    for counter in ("第 135/4503 页", "135-4503", "共 1354503 件", "4503-7010"):
        guard.check("cases/page/135.html", counter)
    for written in ("13545037010", "135 4503 7010", "135-4503-7010", "+86 135 4503 7010", "1354503701"):
        assert leak(guard, f"电话 {written}", "cases/page/135.html").field == "caller.phone"


def test_a_page_counter_with_the_page_count_spells_numbers() -> None:
    """Seen at 300,000 cases: 第 13058/13509 页 reads 1305813509, the mobile
    13058135092 without its last digit; 第 208 页，共 2686 页 tells the landline
    208-2686 in two pieces. Listings therefore name the page alone, apart
    from the number of cases (the pager shows the last page)."""
    guard = Guard([PrivateValue("13058135092", CASE, "caller.phone", NUMBER),
                   PrivateValue("2082686", OTHER, "caller.phone", NUMBER)])
    assert leak(guard, "第 13058/13509 页", "cases/page/13058.html").field == "caller.phone"
    assert leak(guard, "第 208 页，共 2686 页", "category/a/page/208.html").case_id == OTHER
    guard.check("cases/page/13058.html", "共 270179 件已办结案件。第 13058 页\n")
    guard.check("category/a/page/208.html", "共 26860 件已办结案件。第 208 页\n")


def test_a_number_told_in_pieces_between_tags_written_as_text_is_a_leak() -> None:
    """A clerk's 138<td>3761</td>2045 is published escaped and read as the
    number: the guard reads it decoded, where it looks like table cells, so
    pieces are joined across markup of any kind."""
    from hotline.privacy.private import caller_values

    guard = Guard(caller_values({"phone": "138 3761 2045"}, CASE, "caller"))
    for written in ("138&lt;td&gt;3761&lt;/td&gt;2045", "138<td>3761</td>2045", "<td>138</td><td>3761</td><td>2045</td>"):
        assert leak(guard, f"<p>电话{written}</p>").field == "caller.phone", written


def test_table_cells_on_lines_of_their_own_tell_no_number_in_pieces() -> None:
    """Seen at 100,000 cases: a statistics row <td>204</td><td>4794</td> told
    the landline 204 4794. The templates put each cell on a line of its own,
    which no number told in pieces runs across."""
    from hotline.privacy.private import caller_values

    guard = Guard(caller_values({"phone": "0376-2044794"}, CASE, "caller"))
    guard.check("stats/index.html", '<tr><th scope="row">市供水公司</th>\n<td>204</td>\n<td>4794</td>\n<td>85.5%</td></tr>\n')
    assert leak(guard, '<tr><th scope="row">市供水公司</th><td>204</td><td>4794</td></tr>').field == "caller.phone"


def test_an_atom_entry_id_is_no_number_told_in_pieces() -> None:
    """Seen at 100,000 cases: the entry id urn:uuid:fa095f05-ad15-5412-a766-…
    told the landline 541 2766 in two pieces (5412, a766). A UUID's groups
    are not pieces of a number; a whole number in one still is, and the
    same pieces outside a UUID still tell the number."""
    from hotline.privacy.private import caller_values

    guard = Guard(caller_values({"phone": "0376 541 2766"}, CASE, "caller"))
    for entry_id in ("urn:uuid:fa095f05-ad15-5412-a766-d166108a5923", "urn:uuid:0f125412-5412-2766-8412-0123456789ab"):
        guard.check("feeds/all.atom.xml", f"<entry>\n<id>{entry_id}</id>\n<title>占道经营堵路口</title>\n")
    for written in ("5412-a766", "尾号5412，766", "541-2766", "urn:uuid:fa095f05-ad15-5412-a766-d0376541276", "ad15-5412-a766"):
        assert leak(guard, f"电话 {written}").field == "caller.phone", written


def test_a_landline_still_has_its_extension_and_area_code_dropped() -> None:
    from hotline.privacy.private import caller_values

    guard = Guard(caller_values({"phone": "0376-6221234转801"}, CASE, "caller"))
    for written in ("0376-6221234", "6221234", "622 1234", "03766221234"):
        assert leak(guard, f"电话 {written}").field == "caller.phone"


def test_a_registry_slug_that_spells_a_name_is_not_a_leak_but_the_name_is() -> None:
    from hotline.privacy.private import LATIN

    guard = Guard([PrivateValue("shihequ", CASE, "caller.name", LATIN)], public_slugs=["shi-he-qu"])
    link = '<a href="../district/shi-he-qu/index.html">浉河区</a>'
    guard.check("cases/a.html", link)
    assert leak(guard, "<p>Shi Hequ 反映</p>").field == "caller.name"
    assert leak(guard, f"{link}<p>反映人 SHI-HE-QU</p>").field == "caller.name"


def test_a_font_name_that_spells_a_callers_name_is_not_a_leak_but_the_name_is() -> None:
    """Seen at 100,000 cases: a caller 方萍 (Ping Fang) stopped the build on
    the statistics page, whose charts name the font "PingFang SC"."""
    from hotline.privacy.private import caller_values

    values = caller_values({"name": "方萍", "gender": "female"}, CASE, "caller")
    guard = Guard(values)
    chart = '<style>text { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }</style>'
    guard.check("stats/index.html", chart + "\n<p>共 12 件</p>\n")
    guard.check("embed/latest.html", chart)
    for written in ("Ping Fang", "Fang Ping", "PING FANG", "Fang-Ping", "fangping", "Pingfang"):
        assert leak(guard, f"{chart}\n<p>反映人 {written} 来电</p>").field == "caller.name", written


# --- Pages searched line by line ---------------------------------------


def test_a_line_clean_on_an_aggregate_page_still_leaks_on_its_own_case_page() -> None:
    """A weak value of another case makes a line not clean, though it is no leak there."""
    guard = Guard(VALUES)
    line = "<li>建国反映的路灯</li>"
    page = f"<ul>\n  {line}\n</ul>"
    guard.check("category/a.html", page)
    guard.check("category/b.html", page)
    assert leak(guard, page, "cases/b.html", scope={OTHER}).field == "caller.name"


def test_a_value_holding_a_clause_end_is_found_across_lines_of_markup() -> None:
    guard = Guard([PrivateValue("何丽华；李明", CASE, "redact[0]")])
    guard.check("a.html", "<p>何丽华</p>\n<p>王明</p>")
    guard.check("b.html", "<p>赵刚</p>\n<p>李明</p>")
    assert leak(guard, "<p>何丽华</p>\n<p>李明</p>").field == "redact[0]"


def test_a_number_is_found_after_its_line_was_seen_without_it() -> None:
    guard = Guard(VALUES)
    guard.check("a.html", "<header>\n<p>电话</p>\n</header>")
    assert leak(guard, "<header>\n<p>电话</p>\n<p>138 3761 2045</p>\n</header>").field == "caller.phone"


def _agrees(values, pages, public_slugs=()) -> None:
    """The guard raises on exactly the pages where a search of the whole page,
    by a guard that has seen no other page, finds a value for the page's scope."""
    guard, whole = Guard(values, public_slugs), Guard(values, public_slugs)
    for page, scope in pages:
        expected = any(entry.hit(scope) is not None for entry in whole._entries(page))
        try:
            guard.check("cases/x.html", page, scope)
        except LeakError:
            assert expected, page
        else:
            assert not expected, page


def test_a_value_holding_a_clause_end_is_not_found_across_a_line_left_out() -> None:
    """Lines left out as clean brought 何丽华 and 李明 together: "何丽华|李明"."""
    _agrees([PrivateValue("何丽华；李明", CASE, "redact[0]")],
            [("<p>x</p>\n<hr>", None), ("<p>何丽华</p>\n<p>x</p>\n<p>李明</p>", None)])


def test_a_line_clean_without_chinese_numerals_read_as_digits_is_searched_when_a_page_reads_them() -> None:
    """一二 on a page has its numerals read as digits on the whole page, and then
    the line l三O一O一O一O一O, clean on a page without, spells 13010101010."""
    spelt = "<p>l三O一O一O一O一O</p>"
    _agrees([PrivateValue("13010101010", CASE, "caller.phone", NUMBER)],
            [(f"{spelt}\n<hr>", None), (f"{spelt}\n<p>一二</p>", None)])
    _agrees([PrivateValue("13010101010", CASE, "caller.phone", NUMBER)],
            [("<p>一二</p>\n<hr>", None), (f"<p>一二</p>\n{spelt}", None)])


def test_a_line_clean_with_registry_slugs_kept_is_searched_when_a_page_has_them_stripped() -> None:
    """A name in letters found on a page (a weak one of another case) has the
    registries' slugs stripped from the whole page: Li-ping-qiao-hua reads Li- -hua."""
    from hotline.privacy.private import LATIN

    values = [PrivateValue("lihua", CASE, "caller.name", LATIN),
              PrivateValue("jianguo", OTHER, "caller.name", LATIN, strong=False),
              PrivateValue("shihequ", OTHER, "caller.name", LATIN)]
    slugs = ["ping-qiao", "shi-he-qu"]
    spelt = "<p>Li-ping-qiao-hua</p>"
    _agrees(values, [(f"{spelt}\n<hr>", None), (f"{spelt}\n<p>Jianguo</p>", None)], slugs)
    link = '<a href="../district/shi-he-qu/">浉河区</a>'
    _agrees(values, [(f"{link}\n<hr>", None), (f"{link}\n{spelt}", None)], slugs)


def test_a_name_in_letters_in_angle_brackets_is_found_whatever_the_rest_of_its_page() -> None:
    """&lt;Lihua&gt; reads <Lihua>, a tag `canonical` drops: the letters run
    together were looked in only outside tags, so Lihua was found only on a
    page whose other letters spelled lihua (Alihuang)."""
    from hotline.privacy.private import LATIN

    values = [PrivateValue("lihua", CASE, "caller.name", LATIN)]
    _agrees(values, [("<p>&lt;Lihua&gt;</p>\n<hr>", None), ("<p>&lt;Lihua&gt;</p>\n<p>Alihuang</p>", None)])
    assert leak(Guard(values), "<p>反映人 &lt;Lihua&gt; 称</p>").field == "caller.name"


_PIECES = ["何", "丽华", "何丽华", "He ", "Lihua", "LI-HUA", "建国", "138", "3761", "2045", " ", "-", "；", "&#20029;",
           "&amp;", "%E4%B8%BD", "\\u4e3d", "12345", "路灯", "a", "<b>", "</b>", "<br/>", "\u200b",
           '"', '",', ",", "{", "}", "[", "]", ": ", "\r", "\u2028"]
# What a page reads otherwise for what another of its lines holds: Chinese numerals
# as digits on a page with 一二 only, the registries' slugs stripped on a page that
# spells a name in letters (Jianguo, shi-he-qu); and two clauses of one value; a name
# in a tag `canonical` drops, looked for where the letters of the page spell it.
_CONTEXT_PIECES = ["一二", "l三O一O一O一O一O", "Jianguo", "Li-", "-hua", "ping-qiao", "shi-he-qu", "/", "王刚", "；",
                   "赵强", "x", "&lt;Lihua&gt;", "Alihuang"]


def _line(pieces: list[str], most: int, least: int = 0) -> st.SearchStrategy[str]:
    return st.builds(
        lambda indent, tag, parts, close: f"{indent}{tag and f'<{tag}>'}{''.join(parts)}" + (f"</{tag}>" if close else ""),
        st.sampled_from(["", "  ", "\t"]),
        st.sampled_from(["", "p", "li", "span", "a href=\"x\""]),
        st.lists(st.sampled_from(pieces), min_size=least, max_size=most),
        st.booleans(),
    )


_LINE = _line(_PIECES, 6)
_PAGES = st.lists(st.tuples(st.lists(st.integers(0, 7), min_size=1, max_size=10), st.booleans()), max_size=6)


@example(pool=["<p>138", "3761 2045</p>", "<hr>"], pages=[([0, 2], False), ([2, 1], False), ([0, 1], False)])
@example(pool=["<p>He Li", "hua</p>", "<hr>"], pages=[([0, 2], False), ([2, 1], False), ([0, 1], False)])
@example(pool=["<p>138,", ",3761 2045</p>", "<hr>"], pages=[([0, 2], False), ([2, 1], False), ([0, 1], False)])
@example(pool=['"a": "Li",', '"hua"', "{"], pages=[([0, 2], False), ([2, 1], False), ([0, 1], False)])
@example(pool=["<p>何<a", ">丽华</p>", "<hr>"], pages=[([0, 2], False), ([2, 1], False), ([0, 1], False)])
@example(pool=["<li>建国</li>", "<li>x</li>"], pages=[([0, 1], False), ([0, 1], True)])
@settings(max_examples=300)
@given(
    pool=st.lists(_LINE, min_size=1, max_size=8),
    pages=_PAGES,
)
def test_searching_by_lines_finds_what_searching_the_whole_page_finds(pool, pages) -> None:
    """Property: with lines recurring from page to page, the guard raises on
    exactly the pages where a search of the whole page, without the lines it
    remembers, finds a value for the page's scope."""
    _pages_agree(pool, pages)


def _pages_agree(pool: list[str], pages: list[tuple[list[int], bool]]) -> None:
    """`_agrees` on pages made of lines of `pool`, each for no case or for OTHER."""
    from hotline.privacy.private import LATIN

    values = [*VALUES, PrivateValue("lihua", CASE, "caller.name", LATIN), PrivateValue("何丽华；李明", CASE, "redact[0]"),
              PrivateValue("王刚；赵强", CASE, "redact[1]"), PrivateValue("13010101010", CASE, "caller.mobile", NUMBER),
              PrivateValue("jianguo", OTHER, "caller.name", LATIN, strong=False),
              PrivateValue("shihequ", OTHER, "caller.name", LATIN)]
    _agrees(values, [("\n".join(pool[i % len(pool)] for i in indexes), {OTHER} if own_page else None)
                     for indexes, own_page in pages], public_slugs=["ping-qiao", "shi-he-qu"])


@settings(max_examples=1000)
@given(
    pool=st.lists(_line(_CONTEXT_PIECES, 2, least=1), min_size=2, max_size=6),
    pages=st.lists(st.tuples(st.lists(st.integers(0, 5), min_size=2, max_size=4), st.booleans()), min_size=2, max_size=6),
)
def test_a_line_remembered_as_clean_is_clean_whatever_the_rest_of_its_page(pool, pages) -> None:
    """The same property, with the lines that make a page read other lines otherwise."""
    _pages_agree(pool, pages)


@pytest.mark.parametrize("cut", [
    "3837612045", "383 7612 045", "383-7612-045", "３８３７６１２０４５", "三八三七六一二零四五", "+86 383 7612 045",
    "1150219870315452X", "1150219870315452x",
])
def test_a_long_number_missing_its_first_digit_is_a_leak(guard: Guard, cut: str) -> None:
    """A mobile always begins with 1, an ID with its region digit: the rest names its owner."""
    assert leak(guard, f"<p>电话 {cut}。</p>").field in ("caller.phone", "caller.id_number")


@pytest.mark.parametrize("text", ["编号 3837612046", "编号 2837612045", "订单 993837612045", "383761204"])
def test_other_ten_digit_numbers_are_no_leak(guard: Guard, text: str) -> None:
    guard.check("a.html", text)
