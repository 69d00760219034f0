"""Label Studio: every exported task checked by label-studio-sdk's own labeling interface
against the config `reviewer export --config` prints, and the round trip back into TOML."""

from __future__ import annotations

import copy
import json
import os
import tomllib
from pathlib import Path

import pytest

from reviewer.core.export import LABELSTUDIO_CONFIG, ExportOptions, export
from tests.conftest import SEEDS
from tests.core.test_export import seeded_set
from tests.hostile.helpers import cli, error_line

try:
    import label_studio_sdk.label_interface as sdk
except ImportError:  # pragma: no cover - the interop run (REVIEWER_INTEROP=1) requires it
    if os.environ.get("REVIEWER_INTEROP"):
        raise
    pytest.skip("label-studio-sdk not installed: pip install '.[interop]'", allow_module_level=True)


def test_config_printed_by_the_cli_is_the_one_the_export_needs(tmp_path: Path):
    result = cli("export", "--config", cwd=tmp_path)
    assert result.returncode == 0
    interface = sdk.LabelInterface(result.stdout.decode())
    assert {c.name for c in interface.controls} == {"label"}
    assert set(interface.get_control("label").labels) == {
        "supported",
        "contradicted",
        "fabricated",
    }


def test_every_task_annotation_and_prediction_validates(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    d0, d2 = corpus.documents[0], corpus.documents[2]
    engine = {
        d0.id: [(c.start, c.end, "fabricated", 0.9) for c in d0.claims[:3]],
        d2.id: [(c.start, c.end, "contradicted", 0.7) for c in d2.claims[:2]],
    }
    interface = sdk.LabelInterface(LABELSTUDIO_CONFIG)
    for options in (
        ExportOptions(users={"ana": "ana@example.org"}, engine=engine),
        ExportOptions(as_predictions=True),
    ):
        tasks = json.loads(export("labelstudio", sets, corpus, options))
        assert tasks
        for task in tasks:
            assert isinstance(task["data"]["text"], str)
            for annotation in task["annotations"]:
                assert interface.validate_annotation(annotation), annotation
            for prediction in task["predictions"]:
                assert interface.validate_prediction(prediction, return_errors=True) == []
                assert prediction["model_version"] in ("ana", "reviewer-engine")
        # The check is not vacuous: a label the config does not know fails it.
        bad = copy.deepcopy(next(t for t in tasks if t["annotations"] or t["predictions"]))
        item = (bad["annotations"] or bad["predictions"])[0]
        item["result"][0]["value"]["labels"] = ["suspect"]
        assert not interface.validate_annotation(item)


def test_export_is_stable_between_runs(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    assert export("labelstudio", sets, corpus) == export("labelstudio", sets, corpus)


def test_label_studio_work_comes_back_as_toml(tmp_path: Path):
    """Export, as Label Studio would give it back (completed_by a member id, one region
    changed by a Label Studio user), then import: the labels on disk are the edited ones."""
    corpus, sets = seeded_set(tmp_path)
    (task,) = json.loads(export("labelstudio", sets, corpus))
    annotation = task["annotations"][0]
    annotation["completed_by"] = 3
    for region in annotation["result"]:
        region.pop("meta")  # Label Studio's own export keeps no reviewer meta
    annotation["result"][0]["value"]["labels"] = ["contradicted"]
    task["annotations"].append({"completed_by": 4, "was_cancelled": True, "result": []})
    source = tmp_path / "project-1.json"
    source.write_text(json.dumps([task]))
    project = tmp_path / "p"
    (project / "annotations").mkdir(parents=True)
    result = cli(
        "import", str(source), "--format", "labelstudio", "--labelstudio-user", "zoe=3",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = tomllib.loads((project / "annotations" / "zoe.toml").read_text())
    labels = sorted(a["label"] for a in data["annotation"])
    assert labels == ["contradicted", "supported"]
    for a in data["annotation"]:
        doc = corpus.get(a["doc"])
        assert doc is not None and doc.text[a["start"] : a["end"]] == a["quote"]


def test_unmapped_member_is_named_in_the_error(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    (task,) = json.loads(export("labelstudio", sets, corpus))
    task["annotations"][0]["completed_by"] = 3
    for region in task["annotations"][0]["result"]:
        region.pop("meta")
    source = tmp_path / "p.json"
    source.write_text(json.dumps([task]))
    result = cli("import", str(source), "--format", "labelstudio", cwd=tmp_path)
    assert result.returncode == 2
    assert "--labelstudio-user" in error_line(result) and "id:3" in error_line(result)


def test_seeds_project_exports_with_the_engine(tmp_path: Path):
    """The whole seeds corpus with the engine's suspects as predictions: a task per document."""
    project = tmp_path / "p"
    (project / "annotations").mkdir(parents=True)
    (project / "seeds").mkdir()
    for f in SEEDS.iterdir():
        (project / "seeds" / f.name).write_bytes(f.read_bytes())
    corpus, _ = seeded_set(project / "annotations")
    result = cli("export", "--format", "labelstudio", "--engine", "--out", "ls.json", cwd=project)
    assert result.returncode == 0, result.stderr
    tasks = json.loads((project / "ls.json").read_text())
    assert len(tasks) == len(corpus.documents)
    interface = sdk.LabelInterface(LABELSTUDIO_CONFIG)
    engine = [p for t in tasks for p in t["predictions"] if p["model_version"] == "reviewer-engine"]
    assert engine and all(
        interface.validate_prediction(p, return_errors=True) == [] for p in engine
    )
