"""Demo reports from the public: a missed pupil still to check, a support problem being checked,
and a missed pupil found and added to the list (invented, like all demo data)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from reports.feedback import feedback_create, feedback_update
from reports.models import Feedback
from students.models import Commune, Student


def feedback_demo_load() -> int:
    office = get_user_model().objects.filter(username="phonggd").first()
    communes = list(Commune.objects.order_by("code")[:3])
    if len(communes) < 3 or office is None:
        return 0
    feedback_create(
        kind=Feedback.Kind.MISSED_PUPIL,
        commune=communes[1],
        hamlet="Thôn Đông",
        school="Trường THCS",
        pupil_name="Nguyễn Thị Thu Mẫu",
        pupil_birth_year=2009,
        pupil_class="7A",
        lacks_device=True,
        description=(
            "Gia đình cháu thuộc hộ cận nghèo, cháu học trực tuyến bằng điện thoại của bố nhưng bố đi làm cả ngày."
        ),
        reporter_name="Trần Văn Mẫu",
        reporter_phone="0912000111",
        reporter_relation=Feedback.Relation.NEIGHBOUR,
    )
    problem = feedback_create(
        kind=Feedback.Kind.SUPPORT_PROBLEM,
        commune=communes[0],
        description="Gia đình đã nhận SIM nhưng chưa kích hoạt được gói cước học tập.",
        reporter_name="Lê Thị Mẫu",
        reporter_phone="0912000222",
        reporter_relation=Feedback.Relation.PARENT,
    )
    feedback_update(
        feedback=problem,
        status=Feedback.Status.CHECKING,
        response="Phòng GD&ĐT đã chuyển nhà mạng kiểm tra, sẽ trả lời trong 2 ngày.",
        user=office,
    )
    found = feedback_create(
        kind=Feedback.Kind.MISSED_PUPIL,
        commune=communes[2],
        pupil_name="Phạm Văn Mẫu",
        lacks_internet=True,
        description="Nhà cháu chưa có Internet, cháu không vào được lớp học trực tuyến.",
        reporter_name="Giáo viên chủ nhiệm",
        reporter_phone="0912000333",
        reporter_relation=Feedback.Relation.TEACHER,
    )
    pupil = Student.objects.filter(commune=communes[2]).order_by("pk").first()
    feedback_update(
        feedback=found,
        status=Feedback.Status.RESOLVED,
        response="Xã đã bổ sung cháu vào danh sách học sinh cần hỗ trợ.",
        user=office,
        student=pupil,
    )
    return Feedback.objects.count()
