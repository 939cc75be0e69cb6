import pytest
from django.core.management import call_command
from django.urls import reverse

from students.models import StudentUpload
from students.tests.factories import CommuneFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_home_page_is_public_and_vietnamese(client):
    call_command("load_reference_data")
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in body
    assert "Sóng và máy tính cho em" in body
    assert "Dương Xuân Tiên" in body and "0982114338" in body
    assert "17:00 22/09/2021" in body


def test_pages_load_bootstrap_from_our_own_static_files(client):
    body = client.get("/").content.decode()
    assert "/static/vendor/bootstrap-5.3.8/bootstrap.min.css" in body
    assert "cdn" not in body.lower()
    assert client.get("/static/vendor/bootstrap-5.3.8/bootstrap.min.css").status_code == 200


def test_staff_home_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("staff-home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_speaks_vietnamese(client):
    body = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body


def test_wrong_password_gets_a_vietnamese_message(client, education_office_user):
    response = client.post(reverse("login"), {"username": "phonggd", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_login_lands_on_the_staff_home_with_role_navigation(client, education_office_user):
    from vinhtuong_program.core.tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "phonggd", "password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("staff-home")
    assert "Trang cán bộ" in body
    assert "Phòng GD&amp;ĐT" in body or "Cán bộ Phòng GD&amp;ĐT" in body
    assert reverse("admin:index") in body


def test_commune_official_navigation_links_their_commune_and_not_the_admin(client, commune_a, commune_a_official):
    client.force_login(commune_a_official)
    body = client.get(reverse("staff-home")).content.decode()
    assert reverse("students:commune-detail", args=[commune_a.code]) in body
    assert reverse("admin:index") not in body


def test_logout_needs_a_post_with_csrf(csrf_client, education_office_user):
    csrf_client.force_login(education_office_user)
    refused = csrf_client.post(reverse("logout"))
    assert refused.status_code == 403
    assert "Biểu mẫu đã hết hạn" in refused.content.decode()  # templates/403_csrf.html
    page = csrf_client.get(reverse("staff-home"))
    token = page.cookies["csrftoken"].value
    response = csrf_client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert csrf_client.get(reverse("staff-home")).status_code == 302


def test_staff_home_query_count_does_not_grow_with_communes_or_pupils(
    client, education_office_user, django_assert_max_num_queries
):
    for _ in range(30):
        commune = CommuneFactory()
        StudentFactory.create_batch(3, commune=commune)
    client.force_login(education_office_user)
    # The dashboard's items are pinned per role in test_dashboard_page.py (+ 2: programme account, waiting transfers).
    with django_assert_max_num_queries(26):
        response = client.get(reverse("staff-home"))
    assert response.status_code == 200
    assert response.context["communes"][0].in_need == 3


def test_commune_page_query_count_is_fixed(client, commune_a, commune_a_official, django_assert_max_num_queries):
    StudentFactory.create_batch(20, commune=commune_a)
    for number in range(5):
        StudentUpload.objects.create(
            commune=commune_a, uploaded_by=commune_a_official, original_name=f"ds{number}.xlsx"
        )
    client.force_login(commune_a_official)
    # One more than before the upload history: the latest uploads, with their uploaders, in one query.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("students:commune-detail", args=[commune_a.code]))
    assert response.context["totals"]["in_need"] == 20


def test_unknown_url_is_a_404_not_an_error(client):
    assert client.get("/khong-co-trang-nay/").status_code == 404


def test_not_found_page_is_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    assert "Không tìm thấy trang" in response.content.decode()


def test_server_error_page_is_in_vietnamese_and_standalone():
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "Đã có lỗi xảy ra" in body


def test_staff_change_their_password_on_a_vietnamese_page(client, education_office_user):
    from vinhtuong_program.core.tests.factories import PASSWORD

    client.force_login(education_office_user)
    page = client.get(reverse("password_change"))
    assert "Mật khẩu cũ" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Song-May-Tinh-2021", "new_password2": "Song-May-Tinh-2021"},
        follow=True,
    )
    assert "Mật khẩu của bạn đã được đổi" in response.content.decode()
    education_office_user.refresh_from_db()
    assert education_office_user.check_password("Song-May-Tinh-2021")


def test_a_weak_new_password_is_refused_in_vietnamese(client, education_office_user):
    from vinhtuong_program.core.tests.factories import PASSWORD

    client.force_login(education_office_user)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "quá ngắn" in response.content.decode()


def test_password_change_refuses_a_post_without_csrf_token(csrf_client, education_office_user):
    from vinhtuong_program.core.tests.factories import PASSWORD

    csrf_client.force_login(education_office_user)
    response = csrf_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Song-May-Tinh-2021", "new_password2": "Song-May-Tinh-2021"},
    )
    assert response.status_code == 403
    education_office_user.refresh_from_db()
    assert education_office_user.check_password(PASSWORD)


def test_healthz_and_home_answer_head_probes(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.head("/").status_code == 200


def test_home_page_needs_two_queries_whatever_the_data(client, django_assert_max_num_queries):
    call_command("load_reference_data")
    with django_assert_max_num_queries(2):
        assert client.get("/").status_code == 200
