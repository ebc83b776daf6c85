"""Re-hash every stored evidence file and report any that changed or went missing (exit status 1 if any)."""
import hashlib
import sys

from django.core.management.base import BaseCommand

from fazhi.core import files
from fazhi.core.models import StoredFile

OWNER = "enforcement.casestep"


def verify(progress=None):
    """[(stored_file, problem)] for every evidence file whose blob is missing or whose SHA-256 no longer matches."""
    problems = []
    checked = 0
    for stored in StoredFile.objects.filter(owner_type=OWNER).order_by("id").iterator(chunk_size=500):
        path = files.blob_path(stored.sha256)
        checked += 1
        if not path.exists():
            problems.append((stored, "文件缺失"))
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != stored.sha256:
            problems.append((stored, f"内容已被改动（现哈希 {digest.hexdigest()[:16]}…）"))
        if progress:
            progress(checked)
    return checked, problems


class Command(BaseCommand):
    help = "校验全部执法证据文件的 SHA-256，报告被改动或缺失的文件（有问题时退出码为1）。"

    def handle(self, *args, **options):
        checked, problems = verify()
        for stored, problem in problems:
            self.stdout.write(f"[异常] {stored.original_name}（{stored.uuid}，SHA-256 {stored.sha256}，环节记录 {stored.owner_id}）：{problem}")
        if problems:
            self.stdout.write(f"共校验 {checked} 个证据文件，发现 {len(problems)} 个异常。")
            sys.exit(1)
        self.stdout.write(f"共校验 {checked} 个证据文件，全部完好。")
