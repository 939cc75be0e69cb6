import factory

from common.text import fold
from reports.models import Feedback
from students.tests.factories import CommuneFactory


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    kind = Feedback.Kind.MISSED_PUPIL
    commune = factory.SubFactory(CommuneFactory)
    hamlet = "Thôn Đông"
    school = "Trường THCS Thử"
    pupil_name = factory.Sequence(lambda n: f"Trần Thị Thử {n}")
    pupil_birth_year = 2009
    pupil_class = "6A"
    lacks_device = True
    description = "Gia đình khó khăn, em chưa có máy tính để học trực tuyến."
    reporter_name = factory.Sequence(lambda n: f"Phụ huynh {n}")
    reporter_phone = "0912345678"
    reporter_relation = Feedback.Relation.PARENT
    name_key = factory.LazyAttribute(lambda f: fold(f"{f.pupil_name} {f.reporter_name}"))
