from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")
django_application = get_wsgi_application()

from syndata_site.chunked import ChunkedBodies  # noqa: E402  (after Django's setup)

# Chunked bodies (no Content-Length) are read to their end, within the upload limit.
application = ChunkedBodies(django_application)
