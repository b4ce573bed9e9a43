"""200 job submissions from 20 users at once, on PostgreSQL + Redis with real processes.

    python bench/load.py             # ~1 minute; writes bench/results/load.json

Every submission must be accepted (202) or cleanly throttled (429 with the JSON error), every
accepted job must finish, and the database must hold exactly the accepted jobs: none lost,
none duplicated. Per-user concurrency is capped at 5 so that throttling really happens.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")
import django  # noqa: E402

django.setup()  # the helpers below import models (they are shared with tests/production)

import httpx  # noqa: E402

from tests.conftest import PEOPLE_SPEC  # noqa: E402
from tests.production.conftest import (  # noqa: E402
    REDIS_URL,
    Backends,
    pg_create_database,
    pg_drop_database,
    production_stack,
    redis_purge,
)

USERS = 20
PER_USER = 10
CONCURRENT_JOBS_PER_USER = 5
SCRIPT = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
for i in range({users}):
    u = get_user_model().objects.create_user(f"load{{i}}")
    print("TOKEN", Token.objects.create(user=u).key)
"""
COUNT = (
    "from generation.models import Job; import json;"
    "print(json.dumps([str(i) for i in Job.objects.values_list('id', flat=True)]))"
)


def main() -> None:
    name, url = pg_create_database()
    backends = Backends(database_url=url, redis_url=REDIS_URL, q_name=f"load_{name}")
    env = {
        "SYNDATA_MAX_CONCURRENT_JOBS": str(CONCURRENT_JOBS_PER_USER),
        "SYNDATA_WORKERS": "2",
    }
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            production_stack(Path(tmp), backends, env) as stack,
        ):
            out = stack.manage("shell", "--no-imports", "-c", SCRIPT.format(users=USERS)).stdout
            tokens = [line.split()[1] for line in out.splitlines() if line.startswith("TOKEN")]
            body = {"schema": PEOPLE_SPEC, "rows": 2000, "format": "csv", "seed": 1}

            def submit(token: str) -> tuple[int, str | None, str]:
                with httpx.Client(base_url=stack.url, timeout=120) as c:
                    resp = c.post(
                        "/api/generate", json=body, headers={"Authorization": f"Token {token}"}
                    )
                job_id = resp.json().get("id") if resp.status_code == 202 else None
                code = resp.json()["error"]["code"] if resp.status_code >= 400 else ""
                return resp.status_code, job_id, code

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=USERS * 2) as pool:
                answers = list(pool.map(submit, [t for t in tokens for _ in range(PER_USER)]))
            submit_s = time.perf_counter() - started
            statuses = Counter(status for status, _, _ in answers)
            codes = Counter(code for _, _, code in answers if code)
            accepted = [job_id for status, job_id, _ in answers if status == 202]
            finished = Counter()
            owner_of = {
                job_id: tokens[i // PER_USER]
                for i, (status, job_id, _) in enumerate(answers)
                if status == 202
            }
            for job_id in accepted:
                with httpx.Client(base_url=stack.url, timeout=60) as c:
                    headers = {"Authorization": f"Token {owner_of[job_id]}"}
                    deadline = time.time() + 300
                    while time.time() < deadline:
                        job = c.get(f"/api/jobs/{job_id}", headers=headers).json()
                        if job["status"] in ("succeeded", "failed", "cancelled"):
                            break
                        time.sleep(0.2)
                    finished[job["status"]] += 1
            total_s = time.perf_counter() - started
            in_db = json.loads(
                stack.manage("shell", "--no-imports", "-c", COUNT).stdout.split("\n")[-2]
            )
    finally:
        redis_purge(backends.q_name)
        pg_drop_database(name)
    result = {
        "submissions": len(answers),
        "users": USERS,
        "statuses": {str(k): v for k, v in statuses.items()},
        "error_codes": dict(codes),
        "accepted": len(accepted),
        "finished": dict(finished),
        "jobs_in_database": len(in_db),
        "lost": len(set(accepted) - set(in_db)),
        "unexpected_or_duplicated": len(set(in_db) - set(accepted))
        + len(accepted)
        - len(set(accepted)),
        "submit_seconds": submit_s,
        "total_seconds": total_s,
    }
    ok = (
        set(statuses) <= {202, 429}
        and finished.get("succeeded", 0) == len(accepted)
        and result["lost"] == 0
        and result["unexpected_or_duplicated"] == 0
    )
    result["ok"] = ok
    print(f"{len(answers)} submissions from {USERS} users in {submit_s:.1f} s: {dict(statuses)}")
    print(f"throttled codes: {dict(codes)}")
    print(f"accepted {len(accepted)}, finished {dict(finished)} in {total_s:.1f} s")
    print(
        f"in database {len(in_db)}: lost {result['lost']}, "
        f"unexpected/duplicated {result['unexpected_or_duplicated']} -> {'OK' if ok else 'FAIL'}"
    )
    out = REPO / "bench" / "results" / "load.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(REPO)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
