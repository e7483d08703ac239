"""The deployment files agree with the code: every variable they set is a setting, every
command they run exists, and the probes hit the health check. (No Docker engine or cluster
runs here, so this is what can be checked of them.)"""

from __future__ import annotations

import json
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from adapters.cli.main import app
from bot.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
VARIABLE = re.compile(rf"\b{ENV_PREFIX}[A-Z0-9_]+\b")


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def containers() -> list[dict[str, Any]]:
    found = []
    for path in KUBERNETES.glob("*.yaml"):
        for doc in documents(path):
            spec = doc.get("spec", {}).get("template", {}).get("spec", {})
            found += spec.get("containers", [])
    return found


def commands(group: typer.Typer) -> set[tuple[str, ...]]:
    """Every command path of the CLI, e.g. ('serve',) and ('db', 'upgrade')."""
    paths: set[tuple[str, ...]] = set()
    for command in group.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        paths.add((name.replace("_", "-"),))
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name is not None
        paths |= {(sub.name, *path) for path in commands(sub.typer_instance)}
    return paths


@pytest.mark.parametrize(
    "path",
    [KUBERNETES / "configmap.yaml", DEPLOY / "compose.yaml", DEPLOY / "Dockerfile"],
    ids=lambda p: p.name,
)
def test_every_variable_set_for_huribot_is_a_setting(path: Path) -> None:
    fields = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    used = set(VARIABLE.findall(path.read_text(encoding="utf-8")))
    assert used, f"{path.name} sets no HuriBot variable"
    assert used <= fields, f"unknown settings in {path.name}: {sorted(used - fields)}"


def test_kubernetes_runs_existing_commands_and_probes_liveness_and_readiness() -> None:
    known = commands(app)
    ran = [tuple(c["command"][1:]) for c in containers()]
    assert sorted(ran) == [("db", "upgrade"), ("serve",)]
    assert all(path in known for path in ran)
    [serve] = [c for c in containers() if c["command"] == ["huribot", "serve"]]
    assert serve["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert serve["readinessProbe"]["httpGet"]["path"] == "/readyz"
    kustomization = documents(KUBERNETES / "kustomization.yaml")[0]
    assert sorted(kustomization["resources"]) == sorted(
        p.name for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml"
    )


def test_the_teams_manifest_is_valid_json_with_the_commands_the_bot_knows() -> None:
    manifest = json.loads((DEPLOY / "teams" / "manifest.json").read_text(encoding="utf-8"))
    [bot] = manifest["bots"]
    titles = {c["title"].split()[0] for group in bot["commandLists"] for c in group["commands"]}
    assert titles == {"help", "calendar", "subscribe", "unsubscribe", "subscriptions", "stats"}


def test_the_package_and_so_the_image_ships_every_data_file_of_the_sources() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["*"]
    data = [
        path.relative_to(ROOT)
        for package in ("bot", "knowledge", "adapters")
        for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    ]
    assert data, "no data files found"
    left_out = [str(path) for path in data if not any(fnmatch(path.name, p) for p in patterns)]
    assert left_out == [], f"not in [tool.setuptools.package-data]: {left_out}"
