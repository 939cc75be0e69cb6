import pytest
from django.urls import reverse

from telecom.tests.factories import LearningPlatformFactory, ZeroRatingFactory

pytestmark = pytest.mark.django_db


def test_the_public_page_lists_published_platforms_and_who_zero_rates_them(client, viettel, vnpt):
    ZeroRatingFactory(platform=LearningPlatformFactory(name="Viettel Study <b>"), provider=viettel)
    LearningPlatformFactory(name="Bản nháp", published=False)
    response = client.get("/nen-tang-hoc-truc-tuyen/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Viettel Study &lt;b&gt;" in body
    assert "Viettel từ 15/09/2021" in body
    assert "Bản nháp" not in body
    assert "<script>" not in body.split("</footer>")[0]


def test_the_public_page_needs_few_queries(client, viettel, vnpt, django_assert_max_num_queries):
    for _ in range(10):
        platform = LearningPlatformFactory()
        ZeroRatingFactory(platform=platform, provider=viettel)
        ZeroRatingFactory(platform=platform, provider=vnpt)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("learning-platforms")).status_code == 200


def test_the_office_maintains_platforms_in_the_admin(client, education_office_user, viettel_user):
    client.force_login(education_office_user)
    assert client.get(reverse("admin:telecom_learningplatform_add")).status_code == 200
    client.force_login(viettel_user)
    assert client.get(reverse("admin:telecom_learningplatform_add")).status_code == 302
