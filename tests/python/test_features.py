"""Store.features(): the ml plugin's extractors from Python. The matrix is the C++ buffer itself
(no copy), its values equal the HTTP route's and the CLI's for the same request, to_pandas() has
the column names and an (entity_id, as_of) index, and bad input raises named errors."""

import csv
import gc
import io
import math

import numpy as np
import pandas as pd
import pytest

import roundhouse as rh
from conftest import register_vehicle

AS_OF = ["2025-03-01T00:00:00Z", "2025-09-01T00:00:00Z"]
KNOWN = "2100-01-01T00:00:00Z"  # the demo history is back-filled: read it as known later


@pytest.fixture(scope="module")
def demo(demo_uri):
    with rh.open(demo_uri) as s:
        yield s


@pytest.fixture(scope="module")
def vehicle(demo):
    return demo.features("vehicle", as_of=AS_OF, known_at=KNOWN, failure_windows_days=[30, 90])


def test_the_matrix_is_shared_with_cpp_not_copied(vehicle):
    values = vehicle.values
    assert values.dtype == np.float64 and values.shape == vehicle.shape == (len(vehicle), len(vehicle.columns))
    assert values.flags.c_contiguous and values.base is vehicle  # the array keeps the C++ matrix alive
    again = vehicle.values
    assert np.shares_memory(values, again)  # two views of one buffer, not two copies
    assert np.shares_memory(values, np.asarray(vehicle))  # the buffer protocol gives the same memory
    frame = vehicle.to_pandas()
    assert np.shares_memory(frame.to_numpy(), values)


def test_the_array_keeps_the_matrix_alive(demo):
    values = demo.features("vehicle", as_of=AS_OF, known_at=KNOWN).values  # the Features object is dropped
    gc.collect()
    assert isinstance(values.base, rh.Features) and values.base.shape == values.shape
    np.testing.assert_array_equal(values, values.base.values)
    assert np.isfinite(values).sum() > values.size // 2


def test_values_equal_the_http_route(demo, vehicle):
    status, body = demo.call("GET", "/api/v1/ml/features/vehicle",
                             query={"as_of": AS_OF[0], "known_at": KNOWN, "params": '{"failure_windows_days": [30, 90]}'})
    assert status == 200
    one = demo.features("vehicle", as_of=AS_OF[0], known_at=KNOWN, failure_windows_days=[30, 90])
    assert one.schema_hash == body["schema"]["hash"] == vehicle.schema_hash
    assert one.entity_ids == body["entity_ids"]
    assert one.columns == [c["name"] for c in body["schema"]["columns"]]
    expected = np.array([[np.nan if v is None else v for v in row] for row in body["rows"]], dtype=float)
    np.testing.assert_array_equal(one.values, expected)
    assert one.to_json()["rows"] == body["rows"]


def test_values_equal_the_cli(demo):
    code, out, err = demo.run_command("ml", ["features", "inventory", "--as-of", AS_OF[1], "--known-at", KNOWN])
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    header, rows = rows[0], rows[1:]
    f = demo.features("inventory", as_of=AS_OF[1], known_at=KNOWN)
    assert header[:3] == ["entity_id", "as_of", "known_at"] and header[3:] == f.columns
    assert [r[0] for r in rows] == f.entity_ids
    cli = np.array([[float(v) if v not in ("", "nan", "NaN") else np.nan for v in r[3:]] for r in rows])
    np.testing.assert_allclose(f.values, cli, rtol=1e-9, equal_nan=True)


def test_rows_are_entities_by_times_with_a_multiindex(vehicle):
    frame = vehicle.to_pandas()
    assert list(frame.columns) == vehicle.columns
    assert frame.index.names == ["entity_id", "as_of"]
    assert frame.index.get_level_values("as_of").tz is not None
    assert list(frame.index.get_level_values("as_of").unique()) == [pd.Timestamp(t) for t in AS_OF]
    assert frame.index.is_monotonic_increasing  # entity ids ascending, then times
    np.testing.assert_array_equal(vehicle.as_of, vehicle.as_of)
    assert (vehicle.known_at == np.datetime64(KNOWN.rstrip("Z"), "us")).all()
    one = frame.xs("EMU-0001", level="entity_id")
    assert len(one) == 2 and one["age_days"].iloc[1] > one["age_days"].iloc[0]


def test_categorical_columns(vehicle):
    assert vehicle.column_types["vehicle_type"] == "categorical"
    levels = vehicle.categories["vehicle_type"]
    frame = vehicle.to_pandas(categorical=True)
    assert frame["vehicle_type"].dtype == "category"
    codes = vehicle.to_pandas()["vehicle_type"].to_numpy()
    assert list(frame["vehicle_type"].astype(str)) == [levels[int(c)] for c in codes]


def test_entities_each_event_and_tenant(demo):
    two = demo.features("vehicle", entities=["EMU-0002", "EMU-0001"], as_of=AS_OF[1], known_at=KNOWN)
    assert two.entity_ids == ["EMU-0001", "EMU-0002"]
    single = demo.features("vehicle", entities="EMU-0001", as_of=pd.Timestamp(AS_OF[1]), known_at=KNOWN)
    np.testing.assert_array_equal(single.values[0], two.values[0])
    events = demo.features("work-order", each_event=True, known_at=KNOWN)
    assert len(events) > 1000 and (events.as_of[:-1] <= events.as_of[1:]).any()
    other = demo.features("vehicle", as_of=AS_OF[1], known_at=KNOWN, tenant="nobody")
    assert len(other) == 0 and other.values.shape == (0, len(other.columns))
    assert other.to_pandas().empty


def test_as_of_defaults_to_now_and_known_at_to_as_of(demo):
    now = demo.features("vehicle", known_at="now")
    assert len(now) > 100
    # Read as known at each as-of time, the back-filled demo history is not visible yet.
    with pytest.raises(rh.NotFound):
        demo.features("vehicle", entities="EMU-0001", as_of=AS_OF[0])


def test_feature_extractors_are_listed(demo):
    names = {e["name"] for e in demo.feature_extractors()}
    assert {"vehicle", "work-order", "inventory", "sensor-window"} <= names


@pytest.mark.parametrize("kwargs, error, text", [
    ({"extractor": "nope"}, rh.NotFound, "nope"),
    ({"extractor": "vehicle", "entities": "NOPE-1", "known_at": "now"}, rh.NotFound, "NOPE-1"),
    ({"extractor": "vehicle", "bogus": 1}, rh.ValidationError, "bogus"),
    ({"extractor": "sensor-window", "window": 0}, rh.ValidationError, "window"),
    ({"extractor": "vehicle", "as_of": "yesterday-ish"}, rh.ValidationError, "as_of"),
    ({"extractor": "vehicle", "as_of": []}, rh.ValidationError, "as_of"),
    ({"extractor": "vehicle", "known_at": 1.5}, rh.ValidationError, "known_at"),
    ({"extractor": "vehicle", "each_event": True, "as_of": AS_OF[0]}, rh.ValidationError, "exclude"),
    ({"extractor": "vehicle", "failure_windows_days": {1}}, rh.ValidationError, "set"),
])
def test_bad_requests_raise_named_errors(demo, kwargs, error, text):
    head = demo.head()
    extractor = kwargs.pop("extractor")
    with pytest.raises(error, match=text):
        demo.features(extractor, **kwargs)
    assert demo.head() == head  # a read: nothing written


def test_a_closed_store_is_refused(sqlite_uri):
    s = rh.open(sqlite_uri)
    s.close()
    with pytest.raises(rh.Unavailable):
        s.features("vehicle")


def test_features_outlive_their_store(mem):
    register_vehicle(mem, "EMU-1")
    register_vehicle(mem, "EMU-2")
    f = mem.features("vehicle", known_at="now")
    mem.close()
    assert f.entity_ids == ["EMU-1", "EMU-2"] and not math.isnan(np.nanmax(f.values))
    assert f.to_pandas().shape == f.shape
