"""The Kubernetes manifests, validated offline against the API schemas that kubernetes-validate ships,
and held to what running the service needs: probes, resources, secrets only by reference."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from service.config import ROOT

MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # the oldest release still maintained when these were written


def _documents() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        found += [(f"{path.name}:{doc['kind']}", doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


DOCUMENTS = _documents()


def _pod_spec(doc: dict) -> dict | None:
    if doc["kind"] == "Deployment":
        return doc["spec"]["template"]["spec"]
    if doc["kind"] == "Job":
        return doc["spec"]["template"]["spec"]
    return None


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_each_manifest_is_valid_against_the_api_schema(name: str, doc: dict) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"}


def test_web_migrations_and_worker_are_all_there() -> None:
    kinds = {(doc["kind"], doc["metadata"]["name"]) for _, doc in DOCUMENTS}
    assert {("Deployment", "ubp-web"), ("Deployment", "ubp-worker"), ("Job", "ubp-migrate"), ("Service", "ubp-web"),
            ("Ingress", "ubp"), ("ConfigMap", "ubp-config")} <= kinds


@pytest.mark.parametrize(("name", "doc"), [(n, d) for n, d in DOCUMENTS if _pod_spec(d)],
                         ids=[n for n, d in DOCUMENTS if _pod_spec(d)])
def test_every_container_has_resources_and_takes_secrets_by_reference(name: str, doc: dict) -> None:
    for container in _pod_spec(doc)["containers"]:
        assert {"requests", "limits"} <= set(container["resources"]), name
        assert {"name": "ubp-secrets"} in [ref.get("secretRef") for ref in container["envFrom"]], name
        literal = {item["name"] for item in container.get("env", [])}
        assert not literal & {"SECRET_KEY", "DATABASE_URL", "METRICS_TOKEN"}, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_probes_use_the_health_endpoints_and_the_worker_heartbeat() -> None:
    containers = {doc["metadata"]["name"]: _pod_spec(doc)["containers"][0] for _, doc in DOCUMENTS
                  if doc["kind"] == "Deployment"}
    web, worker = containers["ubp-web"], containers["ubp-worker"]
    assert web["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert web["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert worker["livenessProbe"]["exec"]["command"] == ["ubp", "worker-health"]


def test_the_configuration_in_the_config_map_passes_the_start_up_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.environment import read_environment

    (config,) = [doc for _, doc in DOCUMENTS if doc["kind"] == "ConfigMap"]
    for key, value in config["data"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://ubp@db.internal/ubp")
    settings = read_environment()
    assert settings.proxy_hops == 1 and settings.rate_limit_storage_url.startswith("redis://")


def test_the_proxy_example_sets_forwarded_headers_and_a_body_limit() -> None:
    text = Path(ROOT / "deploy" / "nginx" / "ubp.conf").read_text()
    for directive in ("client_max_body_size 3m;", "proxy_set_header X-Forwarded-For $remote_addr;",
                      "proxy_set_header X-Forwarded-Proto $scheme;", "ssl_certificate ", "listen 443 ssl;"):
        assert directive in text
    # Notes carry evidence files up to 20 MB: their path alone allows more, in the example and the ingress.
    assert "location ~ ^/cases/[^/]+/notes$ {\n        client_max_body_size 21m;" in text
    ingresses = {doc["metadata"]["name"]: doc for _, doc in DOCUMENTS if doc["kind"] == "Ingress"}
    assert ingresses["ubp"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "3m"
    evidence = ingresses["ubp-evidence"]
    assert evidence["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "21m"
    assert evidence["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/cases/[^/]+/notes$"


def test_the_validator_catches_a_mistake() -> None:
    (web,) = [doc for _, doc in DOCUMENTS if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "ubp-web"]
    broken = {**web, "spec": {**web["spec"], "replica": 2}}  # misspelt: strict validation refuses unknown fields
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
