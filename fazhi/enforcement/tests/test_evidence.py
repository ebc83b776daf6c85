"""Full-process recording: evidence files stored by SHA-256, type checked from content, size limit enforced while
streaming, chain of custody, verify_evidence detecting a changed or missing file."""
import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from fazhi.core import files
from fazhi.core.models import StoredFile
from fazhi.enforcement import services
from fazhi.enforcement.models import CustodyEvent, StepKind

from .conftest import MP4, PNG, advance, upload


@pytest.fixture
def step(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    return services.step_record(actor=users.officer, case=case, kind=StepKind.EVIDENCE, content="调取照片", place="刘家村",
                                officers=[enf.o1.pk, enf.o2.pk])


def test_upload_stores_by_hash_and_records_custody(step, users):
    stored = services.evidence_upload(actor=users.officer, step=step, upload=upload("scene.mp4", MP4, "video/mp4"))
    assert stored.content_type == "video/mp4" and files.blob_path(stored.sha256).exists()
    assert CustodyEvent.objects.get(stored_file=stored).action == "uploaded"


def test_fake_video_refused(step, users):
    with pytest.raises(Exception) as exc:
        services.evidence_upload(actor=users.officer, step=step, upload=upload("执法记录.mp4", b"this is not a video" * 10, "video/mp4"))
    assert "未保存" in str(exc.value)
    assert not StoredFile.objects.exists()


def test_zero_byte_refused(step, users):
    with pytest.raises(Exception, match="空文件"):
        services.evidence_upload(actor=users.officer, step=step, upload=upload("a.png", b"", "image/png"))
    assert not StoredFile.objects.exists()


def test_traversal_name_is_made_safe(step, users):
    stored = services.evidence_upload(actor=users.officer, step=step, upload=upload("../../etc/passwd.png", PNG, "image/png"))
    assert "/" not in stored.original_name and ".." not in stored.original_name


def test_oversize_upload_refused_through_view_before_storing(step, users, client_for, settings):
    settings.FAZHI = {**settings.FAZHI, "EVIDENCE_MAX_BYTES": 1024}
    c = client_for(users.officer)
    big = upload("big.mp4", MP4 + b"\x00" * 5000, "video/mp4")
    r = c.post(reverse("enforcement:evidence_upload", args=[step.pk]), {"file": big})
    assert r.status_code == 413  # too large: 413 everywhere (the gate's code)
    assert "超过大小上限" in r.content.decode()
    assert not StoredFile.objects.exists()
    tmp = os.path.join(settings.MEDIA_ROOT, "tmp")
    assert not os.path.exists(tmp) or not os.listdir(tmp)


def test_oversize_upload_refused_through_api(step, users, api_for, settings):
    settings.FAZHI = {**settings.FAZHI, "EVIDENCE_MAX_BYTES": 1024}
    r = api_for(users.officer).post(reverse("api_enforcement_step_evidence", args=[step.pk]),
                                    {"file": upload("big.mp4", MP4 + b"\x00" * 5000, "video/mp4")}, format="multipart")
    assert r.status_code == 413 and "超过大小上限" in r.json()["detail"]
    assert not StoredFile.objects.exists()


def test_fake_video_through_api_is_400(step, users, api_for):
    r = api_for(users.officer).post(reverse("api_enforcement_step_evidence", args=[step.pk]),
                                    {"file": upload("v.mp4", b"GIF89a-not-really", "video/mp4")}, format="multipart")
    assert r.status_code == 400 and "未保存" in r.json()["detail"]


def test_download_records_custody_and_scope(step, users, client_for):
    stored = services.evidence_upload(actor=users.officer, step=step, upload=upload("p.png", PNG, "image/png"))
    r = client_for(users.reviewer).get(reverse("file_download", args=[stored.uuid]))
    assert r.status_code == 200
    assert CustodyEvent.objects.filter(stored_file=stored, action="viewed", user=users.reviewer).exists()
    video = services.evidence_upload(actor=users.officer, step=step, upload=upload("v.mp4", MP4, "video/mp4"))
    assert client_for(users.officer).get(reverse("file_download", args=[video.uuid])).status_code == 200
    assert CustodyEvent.objects.filter(stored_file=video, action="downloaded", user=users.officer).exists()
    assert client_for(users.other_admin).get(reverse("file_download", args=[stored.uuid])).status_code == 404
    assert client_for(users.mediator).get(reverse("file_download", args=[stored.uuid])).status_code == 404


def test_verify_evidence_detects_changed_and_missing(step, users, capsys):
    a = services.evidence_upload(actor=users.officer, step=step, upload=upload("p.png", PNG, "image/png"))
    b = services.evidence_upload(actor=users.officer, step=step, upload=upload("v.mp4", MP4, "video/mp4"))
    call_command("verify_evidence")
    assert "全部完好" in capsys.readouterr().out
    path = files.blob_path(a.sha256)
    os.chmod(path, 0o644)
    with open(path, "ab") as fh:
        fh.write(b"tampered")
    os.unlink(files.blob_path(b.sha256))
    with pytest.raises(SystemExit) as exc:
        call_command("verify_evidence")
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "p.png" in out and "内容已被改动" in out and "v.mp4" in out and "文件缺失" in out


def test_case_shows_steps_lacking_av(make_case, users, enf, client_for):
    case = advance(make_case(), users, enf, to="investigating")
    services.step_record(actor=users.officer, case=case, kind=StepKind.INSPECTION, content="检查", place="刘家村",
                         officers=[enf.o1.pk, enf.o2.pk])
    html = client_for(users.officer).get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert "1 个环节缺少音像记录" in html and "缺音像" in html



def test_evidence_upload_still_checks_csrf(step, users):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(users.officer)
    r = c.post(reverse("enforcement:evidence_upload", args=[step.pk]), {"file": upload("p.png", PNG, "image/png")})
    assert r.status_code == 403 and not StoredFile.objects.exists()
