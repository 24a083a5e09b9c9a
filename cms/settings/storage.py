"""Media on object storage: the storages and the origins the Content-Security-Policy must allow.

Kept apart from base.py so the rules are plain functions with tests (tests/cms/test_storage_settings.py).
The choice is documented in docs/media.md.
"""

from urllib.parse import urlsplit

S3_BACKEND = "storages.backends.s3.S3Storage"
# Wagtail's image renditions (every resized image a page shows) live under this prefix, which the
# bucket serves to anyone (a bucket policy, or AWS_PUBLIC_MEDIA_ACL): their addresses never expire,
# so cached public pages and shared og:image links keep working. Originals, documents and H5P
# packages stay private, reached through signed addresses.
PUBLIC_PREFIX = "public"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def object_storage_origins(
    *,
    bucket: str,
    endpoint_url: str | None,
    region: str | None,
    public_domain: str | None,
    addressing_style: str | None,
    url_protocol: str = "https:",
) -> list[str]:
    """The origins browsers fetch media from when it is on the bucket (empty without a bucket)."""
    if not bucket:
        return []
    origins: list[str] = []
    if public_domain:
        origins.append(f"{url_protocol}//{public_domain}")
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        if addressing_style == "virtual":
            origins.append(f"{parts.scheme}://{bucket}.{parts.netloc}")
        else:
            origins.append(_origin(endpoint_url))
    else:
        # AWS itself: signed addresses use the regional virtual-hosted name, older ones the global.
        if region:
            origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
        origins.append(f"https://{bucket}.s3.amazonaws.com")
    return list(dict.fromkeys(origins))


def object_storages(*, public_domain: str | None, public_acl: str | None) -> dict[str, dict]:
    """STORAGES entries for the bucket: private signed default, public unsigned renditions."""
    return {
        "default": {"BACKEND": S3_BACKEND},
        "public_media": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                "location": PUBLIC_PREFIX,
                "querystring_auth": False,
                "default_acl": public_acl or None,
                "custom_domain": public_domain or None,
                "file_overwrite": False,
            },
        },
    }
