"""compose.yaml's `postgres` profile (issue 14): PostgreSQL from its official image, two bot
instances in webhook mode on it with one shared hash key, and Caddy in front. Docker cannot run
here, so its structure is checked: what each service needs, and that .env.example names it."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_single_sqlite_bot_is_unchanged_and_outside_the_profile():
    bot = compose()["services"]["bot"]
    assert "profiles" not in bot
    assert bot["environment"]["BOT_DB"] == "/data/bot.sqlite3" and bot["command"] == ["run"]


def test_the_postgres_profile_has_postgres_two_webhook_instances_and_a_load_balancer():
    services = compose()["services"]
    in_profile = {name for name, s in services.items() if "postgres" in (s.get("profiles") or [])}
    assert in_profile == {"postgres", "bot-a", "bot-b", "lb"}
    pg = services["postgres"]
    assert pg["image"].startswith("postgres:") and "healthcheck" in pg
    assert any(v.endswith(":/var/lib/postgresql/data") for v in pg["volumes"])
    a, b = services["bot-a"], services["bot-b"]
    assert a == b  # the same instance twice
    env = a["environment"]
    assert env["BOT_DB"].startswith("postgresql://") and "@postgres:5432/" in env["BOT_DB"]
    assert "${BOT_HASH_KEY" in env["BOT_HASH_KEY"]  # one key for both, from .env
    assert env["WEBHOOK_URL"].startswith("https://") and "WEBHOOK_SECRET" in env
    assert a["command"] == ["run", "--mode", "webhook"]
    assert a["depends_on"]["postgres"]["condition"] == "service_healthy"
    lb = services["lb"]
    assert lb["image"].startswith("caddy:")
    mount = next(v for v in lb["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (ROOT / mount.split(":")[0]).read_text()
    assert re.search(r"reverse_proxy\s+bot-a:8080\s+bot-b:8080", caddyfile)
    assert "health_uri /healthz" in caddyfile
    for name in ("pg-data", "pg-bot-content"):
        assert name in compose()["volumes"]


def test_every_variable_compose_needs_is_in_env_example():
    needed = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "compose.yaml").read_text()))
    example = (ROOT / ".env.example").read_text()
    missing = [v for v in sorted(needed) if not re.search(rf"^#? ?{v}=|\| {v} ", example, re.M)]
    assert not missing, missing
