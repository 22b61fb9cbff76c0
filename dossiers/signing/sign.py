"""Signing a result PDF as an agency: a PAdES signature with a visible stamp on the last
page naming the agency and the time, and a QR code to the public verification page."""

import functools
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import QRStampStyle

from .keys import signer_for

# Noto Sans has every Vietnamese letter; without it the stamp falls back to a Latin font.
STAMP_FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
# Bottom right of the last page, in PDF points, clear of an A4 page's usual margins.
STAMP_BOX = (300, 28, 570, 108)


class NotSignable(Exception):
    """The file is no PDF that can be signed (damaged, or encrypted)."""


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    signer: str  # the certificate's subject, as people read it
    certificate_sha256: str
    signed_at: object


def sign_pdf(data, agency, verify_url, now=None):
    """``data`` signed as ``agency``; the stamp's QR code opens ``verify_url``."""
    signer = signer_for(agency)
    signed_at = now or timezone.now()
    local = timezone.localtime(signed_at)
    field_name = f"KetQua{local:%Y%m%d%H%M%S%f}"
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=_("Result of an administrative procedure"),
        location=agency.name,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=-1, box=STAMP_BOX),
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        _link_stamp_to(writer, verify_url)
        output = pdf_signer.sign_pdf(
            writer,
            appearance_text_params={
                "url": verify_url,
                "agency": agency.name,
                "signed": local.strftime("%H:%M:%S %d/%m/%Y"),
            },
        )
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise NotSignable(str(error)) from None
    certificate = signer.signing_cert
    return SignedPdf(
        data=output.getvalue(),
        signer=certificate.subject.human_friendly,
        certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest(),
        signed_at=signed_at,
    )


@functools.cache
def stamp_font():
    """Noto Sans cut down to the letters a Vietnamese stamp uses, made once per version of
    the font: pyHanko reads the whole font for every stamp, and the full one takes most of
    a signature's time (benchmarks/signing.py)."""
    from fontTools import subset

    source = STAMP_FONT.read_bytes()
    target = (
        Path(tempfile.gettempdir()) / f"onestop-stamp-{hashlib.sha256(source).hexdigest()[:16]}.ttf"
    )
    if not target.exists():
        options = subset.Options()
        options.layout_features = ["ccmp", "kern", "liga", "mark", "mkmk"]
        font = subset.load_font(str(STAMP_FONT), options)
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=STAMP_LETTERS)
        cutter.subset(font)
        partial = target.with_suffix(f".{os.getpid()}.part")
        subset.save_font(font, str(partial), options)
        os.replace(partial, target)  # whole or not at all, whichever process writes it
    return target


# Printable ASCII, Latin-1 and Latin Extended-A/B, the combining accents and the Latin
# Extended Additional block (ạ … ỹ): every Vietnamese letter, precomposed or not.
STAMP_LETTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2010, 0x2030),
]


def _link_stamp_to(writer, url):
    """A click on the stamp opens ``url`` too, for whoever reads the result on a screen;
    added before signing, so the signature covers it."""
    page_ref, _resources = writer.find_page_for_modification(-1)
    link = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Link"),
            generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, STAMP_BOX)),
            generic.pdf_name("/Border"): generic.ArrayObject([generic.NumberObject(0)] * 3),
            generic.pdf_name("/A"): generic.DictionaryObject(
                {
                    generic.pdf_name("/S"): generic.pdf_name("/URI"),
                    generic.pdf_name("/URI"): generic.pdf_string(url),
                }
            ),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(link))


def _stamp_style():
    # The placeholders stay in the text: pyHanko fills them in when it draws the stamp.
    text = "\n".join([_("Signed by: %(agency)s"), _("Signed at: %(signed)s"), _("Verify: %(url)s")])
    font = GlyphAccumulatorFactory(str(stamp_font())) if STAMP_FONT.is_file() else None
    box_style = TextBoxStyle(font=font, font_size=7) if font else TextBoxStyle(font_size=7)
    return QRStampStyle(stamp_text=text, text_box_style=box_style, border_width=1)
