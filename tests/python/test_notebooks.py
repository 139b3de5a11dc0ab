"""The example notebooks (examples/notebooks): committed without outputs, and each runs headless
from top to bottom without an error (nbclient + ipykernel, Debian's packages) against this build's
package and plugins. The C-MAPSS notebook reads ../shared/data/cmapss like the build finds it."""

import json
import os
from pathlib import Path

import pytest

from conftest import BUILD_DIR

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "examples" / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_fleet_overview.ipynb", "02_predictive_maintenance_cmapss.ipynb",
                                           "03_custom_model_report_and_kpi.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stripped(path):
    notebook = json.loads(path.read_text())
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, f"{path.name} cell {i}"
        assert not cell.get("attachments"), f"{path.name} cell {i}"
    assert "widgets" not in notebook.get("metadata", {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_without_error(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(BUILD_DIR / "python"), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")  # XGBoost's threads must not spin on a shared machine
    monkeypatch.setenv("ROUNDHOUSE_BIN", str(BUILD_DIR / "bin" / "roundhouse"))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError naming the cell and the traceback
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
