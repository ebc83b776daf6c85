"""Test data made through the services (so every record has its audit trail and passes the same rules)."""
import datetime
import io

from fazhi.core import clock
from fazhi.legalservice import services
from fazhi.legalservice.models import Advisor

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


def advisor(actor, village=None, *, kind=Advisor.Kind.VILLAGE, node=None, user=None, name=None, **extra):
    n = _next()
    return services.advisor_create(
        actor=actor, kind=kind, name=name or f"顾问{n}", law_firm="山东稷下律师事务所", licence_number=f"1370320{n:010d}",
        phone="13800000000", public_phone="0533-7180001", villages=[village] if village else [], node=node, user=user, **extra)


def slot(actor, village, adv, *, date=None, capacity=2, start=datetime.time(9, 0)):
    date = date or clock.today() + datetime.timedelta(days=7)
    return services.office_hour_create(actor=actor, node=village, advisor=adv, date=date, start_time=start,
                                       end_time=datetime.time(11, 30), place=f"{village.name}公共法律服务站", capacity=capacity)


def consultation(village, *, name="张三", phone="13900001111", question="宅基地能否继承？"):
    return services.consultation_create(village=village, asker_name=name, phone=phone, title="宅基地继承", question=question)


def record(actor, village, adv, *, kind="lecture", people=50, date=None, hours=2):
    return services.service_record_create(actor=actor, node=village, advisor=adv, kind=kind, date=date or clock.today(),
                                          title="民法典讲座", people_served=people, hours=hours)


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
