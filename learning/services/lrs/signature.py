"""Signed statements (xAPI Data 2.6): the JWS attached to a statement must be well formed, use
RS256, RS384 or RS512, and carry the statement itself as its payload. When the JWS header holds
an X.509 certificate chain (``x5c``), the signature is verified with the first certificate.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from learning.services.lrs.validation_parts import StatementRejected

ALGORITHMS: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}
SECONDS_FRACTION = re.compile(r"(\.\d{1,2})\d*(?=S$)")
COMPARE_IGNORED = frozenset({"id", "stored", "authority", "version", "attachments", "timestamp"})

__all__ = ["signature_verify"]


def _b64(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as error:
        raise StatementRejected("The statement's signature is not a valid JWS.") from error


def _duration_truncated(value: Any) -> Any:
    """Durations compare to 0.01 s (xAPI 2.0 4.2.7): cut longer fractions of seconds."""
    if isinstance(value, dict):
        return {
            key: SECONDS_FRACTION.sub(r"\1", item)
            if key == "duration" and isinstance(item, str)
            else _duration_truncated(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_duration_truncated(item) for item in value]
    return value


def _comparable(statement: dict[str, Any]) -> Any:
    return _duration_truncated({key: value for key, value in statement.items() if key not in COMPARE_IGNORED})


def signature_verify(*, statement: dict[str, Any], jws: bytes) -> None:
    """Raise StatementRejected unless ``jws`` is a valid signature of ``statement``."""
    try:
        header_part, payload_part, signature_part = jws.decode("ascii").strip().split(".")
        header = json.loads(_b64(header_part))
        payload = json.loads(_b64(payload_part))
    except (UnicodeDecodeError, ValueError) as error:
        raise StatementRejected("The statement's signature is not a valid JWS.") from error
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise StatementRejected("A statement's signature must use RS256, RS384 or RS512.")
    if not isinstance(payload, dict) or _comparable(payload) != _comparable(statement):
        raise StatementRejected("The signature's payload is not this statement.")
    if "id" in payload and "id" in statement and str(payload["id"]).lower() != str(statement["id"]).lower():
        raise StatementRejected("The signature's payload is not this statement.")
    chain = header.get("x5c")
    if not chain:
        return
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise StatementRejected("The signing certificate must hold an RSA key.")
        key.verify(
            _b64(signature_part),
            f"{header_part}.{payload_part}".encode("ascii"),
            padding.PKCS1v15(),
            ALGORITHMS[header["alg"]](),
        )
    except (InvalidSignature, ValueError, TypeError, IndexError) as error:
        raise StatementRejected("The statement's signature does not verify.") from error
