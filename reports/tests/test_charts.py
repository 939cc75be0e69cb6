import re
import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString

from reports.charts import bar_chart, figures_text, number, percent, vnd

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own markup


def test_a_chart_is_safe_svg_with_role_title_and_description():
    svg = bar_chart([("Kim Xá", 120, 300)], chart_id="c1", title="Hỗ trợ", description="Mô tả")
    assert isinstance(svg, SafeString)
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Hỗ trợ" and root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}desc").text == "Mô tả" and root.find(f"{SVG}desc").get("id") == "c1-desc"
    assert "<script" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_each_bar_has_its_label_and_figures_as_text():
    svg = bar_chart([("Kim Xá", 120, 300), ("Tân Tiến", 5, None)], chart_id="c", title="t")
    texts = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    assert "Kim Xá" in texts and "120 / 300 (40,0%)" in texts
    assert "Tân Tiến" in texts and "5" in texts


def test_bars_share_one_scale_and_never_overflow():
    svg = bar_chart([("a", 50, 100), ("b", 300, 200)], chart_id="c", title="t")
    widths = [float(r.get("width")) for r in _parse(svg).iter(f"{SVG}rect")]
    # whole of a (100/300), part of a (50/300), whole of b (200/300), part of b (300/300)
    assert widths == [120.0, 60.0, 240.0, 360.0]


def test_every_label_title_and_description_is_escaped():
    evil = '<script>alert("x")</script>&'
    svg = bar_chart(
        [(evil, 1, 2)], chart_id='x" onload="alert(1)', title=evil, description=evil, value_name=evil, total_name=evil
    )
    assert "<script>" not in svg
    assert 'onload="alert' not in svg
    assert svg.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;") >= 4
    _parse(svg)  # still well-formed


def _rows(svg: str) -> list[ET.Element]:
    return [g for g in _parse(svg).iter(f"{SVG}g") if g.get("class") == "chart-row"]


def test_a_label_too_long_for_the_figures_line_gets_a_line_of_its_own():
    name = "Công ty Cổ phần Thương mại Vĩnh Phúc"
    svg = bar_chart([(name, 1_500_000, 3_000_000), ("Xã A", 1, 2)], chart_id="c", title="t", value_format=vnd)
    long_row, short_row = _rows(svg)
    label, figures = long_row.findall(f"{SVG}text")
    assert label.text == name and figures.text == "1.500.000 ₫ / 3.000.000 ₫ (50,0%)"
    assert float(figures.get("y")) > float(label.get("y"))
    label, figures = short_row.findall(f"{SVG}text")
    assert float(figures.get("y")) == float(label.get("y"))


def test_a_label_longer_than_the_chart_is_shortened_with_the_full_text_in_its_title():
    name = "Công ty Trách nhiệm hữu hạn Thương mại và Dịch vụ Kỹ thuật Số Vĩnh Phúc"
    svg = bar_chart([(name, 1_500_000, 3_000_000)], chart_id="c", title="t", value_format=vnd)
    label = _rows(svg)[0].find(f"{SVG}text")
    assert label.find(f"{SVG}title").text == name
    assert label.find(f"{SVG}title").tail.endswith("…")


def test_the_legend_names_both_bars_in_words():
    svg = bar_chart([("a", 1, 2)], chart_id="c", title="t", value_name="đã hỗ trợ", total_name="cần hỗ trợ")
    legend = next(g for g in _parse(svg).iter(f"{SVG}g") if g.get("class") == "chart-legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["đã hỗ trợ", "cần hỗ trợ"]


def test_the_description_defaults_to_every_row():
    svg = bar_chart([("a", 1, 4), ("b", 2, None)], chart_id="c", title="t")
    assert _parse(svg).find(f"{SVG}desc").text == "a: 1 / 4 (25,0%); b: 2"


def test_an_empty_chart_says_so():
    svg = bar_chart([], chart_id="c", title="t", empty_text="Chưa có số liệu.")
    assert "Chưa có số liệu." in svg
    assert re.search(r'viewBox="0 0 360 \d+"', svg)


def test_numbers_are_written_the_vietnamese_way():
    assert number(1_500_000) == "1.500.000"
    assert vnd(1_500_000) == "1.500.000 ₫"
    assert percent(2, 3) == "66,7%"
    assert figures_text(0, 0, number, True) == "0 / 0"
    assert figures_text(3, 4, number, False) == "3 / 4"
