"""A NUL character in an address is a bad request on every page, on SQLite as on PostgreSQL.

PostgreSQL refuses NUL in any query, so these addresses ended in a server error there (the scanners
of `make scan` append %00 to values).
"""

import pytest

pytestmark = pytest.mark.django_db

STAFF_ADDRESSES = [
    "/can-bo/ung-ho/%00/",
    "/can-bo/ung-ho/UH-%00/dong/",
    "/can-bo/xa/%00/",
    "/can-bo/xa/09076%00/tai-len/",
    "/can-bo/phan-bo/xa/%00/tong-hop/",
    "/can-bo/vien-thong/phu-song/?commune=%00",
    "/can-bo/vien-thong/phu-song/?provider=viettel%00",
    "/can-bo/hoc-sinh/?q=an&%00=1",
]
PUBLIC_ADDRESSES = ["/tra-cuu/?ma=%00", "/cong-khai/nha-hao-tam/?trang=1%00", "/phan-anh/tra-cuu/?ma=PA-%00"]


@pytest.mark.parametrize("address", STAFF_ADDRESSES)
def test_a_nul_character_in_a_staff_address_is_a_bad_request(
    client, education_office_user, commune_a, viettel, address
):
    client.force_login(education_office_user)
    client.raise_request_exception = False
    assert client.get(address).status_code == 400


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_a_nul_character_in_a_public_address_is_a_bad_request(client, address):
    client.raise_request_exception = False
    assert client.get(address).status_code == 400


def test_the_same_addresses_without_it_still_answer(client, education_office_user, commune_a, viettel):
    client.force_login(education_office_user)
    assert client.get("/can-bo/vien-thong/phu-song/?provider=viettel").status_code == 200
    assert client.get("/can-bo/xa/09076/").status_code == 200
    assert client.get("/tra-cuu/?ma=UH-ABC").status_code == 200
