import segno
from django.utils.safestring import SafeString

from core.qr import qr_svg

URL = "https://motcua.example.vn/procedures/1.012753.H19/"


def test_qr_svg_is_inline_markup_ready_for_templates():
    svg = qr_svg(URL, title="Mã QR")
    assert isinstance(svg, SafeString)
    assert svg.startswith('<svg role="img" viewBox=')
    assert "<title>Mã QR</title>" in svg
    assert svg.rstrip().endswith("</svg>")
    # No fixed width/height: CSS sizes it for the page, the kiosk or the printed slip.
    assert "width=" not in svg.split(">", 1)[0]


def test_qr_svg_encodes_the_data():
    expected = segno.make(URL, error="m").svg_inline(scale=4, omitsize=True)
    path = expected[expected.index("<path") :]
    assert path in qr_svg(URL)
    assert path not in qr_svg(URL + "?other")


def test_qr_svg_escapes_its_title():
    svg = qr_svg(URL, title='<script>alert("x")</script>')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_qr_svg_without_title():
    assert "<title>" not in qr_svg(URL)
