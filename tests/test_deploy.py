"""The deployment files agree with the code and with their formats: every variable they set is
a setting, every command they run exists, the probes hit the health checks, the Dockerfile
passes hadolint, the CI scripts shellcheck and the Kubernetes manifests their schemas.
(deploy/ci/image-check.sh builds the image and runs it; no cluster runs here.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import typer
import yaml
from typer import _click as click
from typer.core import TyperGroup

from adapters.cli.main import app
from bot.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
VARIABLE = re.compile(rf"\b{ENV_PREFIX}[A-Z0-9_]+\b")
KUBERNETES_VERSIONS = ("1.29", kubernetes_validate.latest_version())
"""The oldest release the manifests promise to work on, and the newest schemas known."""
PINNED = re.compile(r"^BASE=\S+@sha256:[0-9a-f]{64}$")


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def pod_specs() -> list[dict[str, Any]]:
    """The pods' specs of every workload (the Deployment's and the Job's templates)."""
    templates = [doc.get("spec", {}).get("template", {}) for doc in resources()]
    return [template["spec"] for template in templates if "spec" in template]


def containers() -> list[dict[str, Any]]:
    return [container for spec in pod_specs() for container in spec["containers"]]


def resources() -> list[dict[str, Any]]:
    """Every Kubernetes object of deploy/kubernetes (the kustomization itself is not one)."""
    paths = sorted(KUBERNETES.glob("*.yaml"))
    return [doc for path in paths if path.name != "kustomization.yaml" for doc in documents(path)]


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, (INSTRUCTION, arguments), continuation lines joined,
    grouped by stage; the first group holds what comes before the first FROM."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.replace("\\\n", " ").splitlines() if line.strip()]
    stages: list[list[tuple[str, str]]] = [[]]
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), " ".join(arguments.split())))
    return stages


def commands(group: typer.Typer) -> set[tuple[str, ...]]:
    """Every command path of the CLI, e.g. ('serve',) and ('db', 'upgrade'), as the console
    script resolves them (its sub-commands are loaded when asked for)."""
    return _paths(typer.main.get_command(group))


def _paths(command: click.Command | None) -> set[tuple[str, ...]]:
    if not isinstance(command, TyperGroup):
        return {()}
    context = click.Context(command)
    return {
        (name, *rest)
        for name in command.list_commands(context)
        for rest in _paths(command.get_command(context, name))
    }


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


SHELLCHECK = ("shellcheck", "--external-sources")
"""Following what a script sources (paths are the repository root's, where they run)."""


@pytest.mark.parametrize(
    ("linter", "path"),
    [
        (("hadolint",), DEPLOY / "Dockerfile"),
        *((SHELLCHECK, path) for path in sorted((DEPLOY / "ci").glob("*.sh"))),
        (SHELLCHECK, ROOT / ".ci" / "run"),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else value[0],
)
def test_the_build_files_pass_their_linters(linter: tuple[str, ...], path: Path) -> None:
    name, *options = linter
    command = shutil.which(name, path=str(Path(sys.executable).parent)) or name
    lint = subprocess.run(
        [command, *options, str(path.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_image_is_built_in_stages_on_a_pinned_base_and_runs_unprivileged() -> None:
    preamble, first, *later = dockerfile_stages()
    assert any(PINNED.match(args) for name, args in preamble if name == "ARG"), preamble
    assert first[0][1].startswith("${BASE} "), f"the first stage is not FROM ${{BASE}}: {first[0]}"
    assert later, "a single stage: the build tools would stay in the image"
    final = dict(later[-1])
    user, _, group = final["USER"].partition(":")
    unprivileged = all(part.isdigit() and int(part) != 0 for part in (user, group))
    assert unprivileged, f"USER {final['USER']}: runAsNonRoot needs a numeric user and group"
    run_as = {spec["securityContext"]["runAsUser"] for spec in pod_specs()}
    assert run_as == {int(user)}, "Kubernetes runs the image as another user"
    assert "/healthz" in final["HEALTHCHECK"]
    assert json.loads(final["CMD"]) == ["huribot", "serve"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_the_kubernetes_resources_pass_their_schemas(version: str) -> None:
    for resource in resources():
        kubernetes_validate.validate(resource, version, strict=True)


def test_the_kustomization_renders_and_what_it_renders_passes_the_schemas() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the kustomization is not rendered")
    rendered = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES)], capture_output=True, text=True, check=False
    )
    assert rendered.returncode == 0, rendered.stderr
    objects = [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]
    assert sorted(o["kind"] for o in objects) == sorted(r["kind"] for r in resources())
    for resource in objects:
        kubernetes_validate.validate(resource, KUBERNETES_VERSIONS[-1], strict=True)
        assert resource["metadata"]["labels"]["app.kubernetes.io/name"] == "huribot"


def test_the_package_and_so_the_image_ships_every_data_file_of_the_sources() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data: dict[str, list[str]] = pyproject["tool"]["setuptools"]["package-data"]

    def shipped(path: Path) -> bool:
        """Matched by a pattern for every package, or by one of its own package's (those
        are relative to the package's folder, sub-folders included)."""
        if any(fnmatch(path.name, pattern) for pattern in package_data["*"]):
            return True
        for package, patterns in package_data.items():
            folder = Path(*package.split("."))
            if package != "*" and path.is_relative_to(folder):
                inside = str(path.relative_to(folder))
                if any(fnmatch(inside, pattern) for pattern in patterns):
                    return True
        return False

    data = [
        path.relative_to(ROOT)
        for package in ("bot", "knowledge", "adapters")
        for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert data, "no data files found"
    left_out = [str(path) for path in data if not shipped(path)]
    assert left_out == [], f"not in [tool.setuptools.package-data]: {left_out}"
