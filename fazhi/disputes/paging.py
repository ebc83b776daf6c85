"""Kept for imports: the id-first paginator now lives in ``fazhi.core.ui`` and every list uses it."""
from fazhi.core.ui import IdFirstPaginator, paginate  # noqa: F401
