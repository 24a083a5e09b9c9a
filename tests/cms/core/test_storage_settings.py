"""Media on object storage: which origins the CSP allows, and which storage keeps public images."""

from cms.settings.storage import PUBLIC_PREFIX, object_storage_origins, object_storages


def origins(**given):
    defaults = {
        "bucket": "council-media",
        "endpoint_url": None,
        "region": None,
        "public_domain": None,
        "addressing_style": None,
    }
    return object_storage_origins(**{**defaults, **given})


def test_without_a_bucket_the_csp_gains_nothing():
    assert origins(bucket="") == []


def test_a_self_hosted_endpoint_with_path_style_is_its_own_origin():
    assert origins(endpoint_url="https://s3.example.org:9000/", addressing_style="path") == [
        "https://s3.example.org:9000"
    ]


def test_a_self_hosted_endpoint_with_virtual_hosts_puts_the_bucket_in_the_host():
    assert origins(endpoint_url="https://s3.example.org", addressing_style="virtual") == [
        "https://council-media.s3.example.org"
    ]


def test_aws_gives_the_regional_and_global_bucket_hosts():
    assert origins(region="eu-west-2") == [
        "https://council-media.s3.eu-west-2.amazonaws.com",
        "https://council-media.s3.amazonaws.com",
    ]


def test_a_public_domain_comes_first():
    assert (
        origins(public_domain="media.example.gov.uk", region="eu-west-2")[0] == "https://media.example.gov.uk"
    )


def test_public_images_are_unsigned_under_their_own_prefix_and_the_rest_stays_signed():
    storages = object_storages(public_domain="media.example.gov.uk", public_acl=None)
    public = storages["public_media"]["OPTIONS"]
    assert public["querystring_auth"] is False
    assert public["location"] == PUBLIC_PREFIX
    assert public["custom_domain"] == "media.example.gov.uk"
    assert "OPTIONS" not in storages["default"]  # signed addresses, AWS_QUERYSTRING_AUTH
