import datetime
import io

import pytest

from fazhi.core import clock
from fazhi.publicity import services
from fazhi.publicity.models import KeyDate, Target

D = datetime.date


@pytest.fixture
def frozen_2023():
    """Replay the tests inside 2023-12-31 so 2023 events are in the past."""
    with clock.frozen(clock.at_local(D(2023, 12, 31), 18, 0)):
        yield


@pytest.fixture
def make_event(users, tree):
    def make(*, actor=None, node=None, date=D(2023, 3, 15), target=Target.COMMUNITY, reach=None, materials=10, slogans=1,
             key_date=None, title="普法宣传", place="文化广场", **extra):
        return services.event_create(actor=actor or users.judicial, node=node or tree.liu, title=title, date=date, place=place,
                                     target=target, organiser_text="村委会", key_date=key_date, materials=materials,
                                     slogans=slogans, reach={"elderly": 20, "youth": 10} if reach is None else reach, **extra)
    return make


@pytest.fixture
def key_date():
    return KeyDate.objects.get(code="consumer_day")


def png_bytes():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()
