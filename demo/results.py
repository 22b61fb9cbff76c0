"""A result document to sign, for the demo, the tests and the signing benchmark: an
extract as a people's committee issues it, ``pages`` A4 pages long."""

from django.utils.html import escape


def sample_result_pdf(dossier_code, agency_name, pages=1):
    """The PDF bytes of a result of ``dossier_code`` issued by ``agency_name``."""
    from weasyprint import HTML  # loads Pango and fonts: only callers that render pay

    sections = "".join(
        f"<section style='page-break-after: {'always' if n < pages else 'auto'}'>"
        f"<h2>Trang {n}</h2>"
        + "<p>Nội dung trích lục: họ, chữ đệm, tên; ngày, tháng, năm sinh; nơi sinh; "
        "quê quán; dân tộc; quốc tịch; thông tin của cha và mẹ.</p>" * 12 + "</section>"
        for n in range(1, pages + 1)
    )
    html = (
        "<html lang='vi'><body style='font-family: \"Noto Sans\"; font-size: 11pt'>"
        f"<p><strong>{escape(agency_name.upper())}</strong></p>"
        "<p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</p>"
        f"<h1>TRÍCH LỤC KHAI SINH</h1><p>Số hồ sơ: {escape(dossier_code)}</p>{sections}"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()
