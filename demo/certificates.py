"""Demo signing keys, made at seed time and kept out of the repository: a demo certificate
authority in ``SIGNING_KEYS_DIR`` (its certificate becomes the trust root) and one PKCS#12
per agency that signs results. A real installation puts the certificates its CA issued in
the same places instead."""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

from core.models import Unit
from dossiers.printing.agency import COMMITTEE_KINDS
from dossiers.signing.keys import key_password, key_path

CA_NAME = "onestop demo CA"
CA_KEY_FILE = "demo-ca.key"
ROOTS_FILE = "trust-roots.pem"
CA_YEARS = 10
AGENCY_YEARS = 3


def ensure_demo_keys(agencies):
    """A key for every agency of ``agencies`` that has none yet, under the demo CA (made
    on first use). Keys already there, the demo's or real ones, are left as they are."""
    folder = Path(settings.SIGNING_KEYS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_certificate = _demo_ca(folder)
    made = 0
    for agency in agencies:
        if not key_path(agency).exists():
            write_agency_key(agency, ca_key, ca_certificate)
            made += 1
    return made


def write_agency_key(agency, ca_key, ca_certificate, years=AGENCY_YEARS):
    """A new key and certificate for ``agency`` issued by the given CA, as its PKCS#12."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(agency.name, organisation=agency.name)
    certificate = _certificate(subject, ca_certificate.subject, key, ca_key, years, ca=False)
    password = key_password()
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(
        agency.code.encode(), key, certificate, [ca_certificate], encryption
    )
    path = key_path(agency)
    path.write_bytes(data)
    path.chmod(0o600)


def new_ca(common_name, years=CA_YEARS):
    """A self-signed CA: (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(common_name)
    return key, _certificate(subject, subject, key, key, years, ca=True)


def pem_of(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def _demo_ca(folder):
    key_file, roots_file = folder / CA_KEY_FILE, folder / ROOTS_FILE
    if key_file.exists() and roots_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(roots_file.read_bytes())
    key, certificate = new_ca(CA_NAME)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    roots_file.write_bytes(pem_of(certificate))
    return key, certificate


def _name(common_name, organisation=None):
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def _certificate(subject, issuer, key, issuer_key, years, ca):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(_key_usage(ca), critical=True)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _key_usage(ca):
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def seed(out):
    """Keys for every people's committee of the demo, the agencies that sign results."""
    agencies = Unit.objects.filter(kind__in=COMMITTEE_KINDS, is_active=True).order_by("path")
    made = ensure_demo_keys(agencies)
    out(f"  signing keys: {made} made in {settings.SIGNING_KEYS_DIR}")
