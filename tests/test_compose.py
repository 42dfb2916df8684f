"""CI check of docker-compose.yml (issue 15).

With a Docker engine and the compose plugin, ``docker compose config`` validates the file.
Without them (CI here), the file is parsed and checked against what the portal reads: every
variable a portal service sets is a setting the portal reads and the README documents, the
nginx service mounts the shipped deploy/nginx config and gives every one of its placeholders,
and every long-running service has a health check.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx" / "portal.conf"
# Read by libraries rather than by settings.py: boto3 (bucket credentials) and
# prometheus_client (multiprocess folder, also read by secretariat.metrics).
READ_BY_LIBRARIES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PROMETHEUS_MULTIPROC_DIR"}
ONE_SHOT = {"storage-init"}  # runs once and exits: nothing to health-check


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def settings_read() -> set[str]:
    source = (ROOT / "secretariat" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def readme_documented() -> set[str]:
    """Variable names in the first column of the README's settings table."""
    text = (ROOT / "README.md").read_text()
    table = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def _portal_services(compose: dict) -> dict:
    return {name: service for name, service in compose["services"].items()
            if service.get("image") == "asean-customs-portal" or "build" in service}


def test_docker_compose_config_when_docker_exists(tmp_path):
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True,
                                     check=False).returncode != 0:
        pytest.skip("no docker compose here; the YAML checks below stand in for it")
    for path in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / path, tmp_path / path)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run([docker, "compose", "--profile", "s3", "config", "--quiet"],
                            cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_every_portal_variable_is_a_documented_setting():
    known = settings_read() | READ_BY_LIBRARIES
    documented = readme_documented()
    services = _portal_services(_compose())
    assert {"web", "worker", "beat"} <= set(services)
    problems = []
    for name, service in services.items():
        for variable in service.get("environment") or {}:
            if variable not in known:
                problems.append(f"{name}: {variable} is not read by the portal")
            if variable not in documented:
                problems.append(f"{name}: {variable} is not in the README's settings table")
    env_example = ROOT / ".env.example"
    for line in env_example.read_text().splitlines():
        variable = line.split("=", 1)[0].lstrip("# ").strip()
        if "=" in line and re.fullmatch(r"[A-Z][A-Z0-9_]+", variable):
            if variable not in known:
                problems.append(f".env.example: {variable} is not read by the portal")
            if variable not in documented:
                problems.append(f".env.example: {variable} is not in the README's settings table")
    assert problems == []


def test_the_check_catches_an_unknown_variable():
    """The check above is not vacuous: a typo in a variable name is caught."""
    known = settings_read() | READ_BY_LIBRARIES
    assert "FILE_DELIVERY" in known and "FILE_DELIVRY" not in known
    assert "FILE_DELIVERY" in readme_documented()


def test_nginx_service_uses_the_shipped_config_with_every_placeholder():
    nginx = _compose()["services"]["nginx"]
    mounts = [volume.split(":") for volume in nginx["volumes"]]
    assert ["./deploy/nginx/portal.conf", "/etc/nginx/templates/portal.conf.template", "ro"] in (
        mounts)
    placeholders = set(re.findall(r"\$\{(PORTAL_[A-Z_]+)\}", NGINX_CONF.read_text()))
    assert set(nginx["environment"]) == placeholders
    # It serves the same folders the app writes: papers and collected static files.
    assert {m[0] for m in mounts} >= {"media", "static"}
    assert nginx["environment"]["PORTAL_UPSTREAM"] == "web:8000"


def test_nginx_is_the_trusted_proxy_and_downloads_go_through_it():
    compose = _compose()
    address = compose["services"]["nginx"]["networks"]["portal"]["ipv4_address"]
    for name, service in _portal_services(compose).items():
        environment = service["environment"]
        assert environment["TRUSTED_PROXIES"] == f"{address}/32", name
        assert environment["FILE_DELIVERY"] == "nginx", name
    assert "ports" not in compose["services"]["web"]  # clients come in through nginx


def test_every_long_running_service_has_a_health_check_and_dependencies_wait_for_it():
    services = _compose()["services"]
    missing = [name for name, service in services.items()
               if name not in ONE_SHOT and "healthcheck" not in service]
    assert missing == []
    for name, service in services.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            if rule.get("condition") == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} -> {dependency}"


def test_object_storage_is_optional_and_private():
    services = _compose()["services"]
    assert services["storage"]["profiles"] == ["s3"]
    assert services["storage-init"]["profiles"] == ["s3"]
    assert "anonymous set none" in services["storage-init"]["entrypoint"]
