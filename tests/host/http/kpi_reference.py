"""An independent pandas computation of the analytics plugin's KPIs (plugins/analytics/README.md)
straight from a SQLite store's events table — the reference the engine is checked against.

    ref = KpiReference.from_sqlite(path, tenant)
    ref.kpis(from_us, to_us, depot=None, vehicle_type=None, vehicle_id=None) -> {name: float or None}
"""

import json
import sqlite3

import numpy as np
import pandas as pd

DAY = 86_400_000_000
HOUR = 3_600_000_000.0
UP = {"in_service", "standby"}
NEVER = 2**62  # "no end": far in the future, and exact as a float64 (2**63 - 1 is not)


def _ratio(num, den):
    return None if den == 0 else num / den


def _due(text):
    t = pd.Timestamp(text)
    t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
    us = t.value // 1000
    return us + DAY if len(text) == 10 else us


class KpiReference:
    def __init__(self, events, labour_rate=75.0):
        self.labour_rate = labour_rate
        ev = events.sort_values("position", kind="stable").reset_index(drop=True)
        ev["p"] = [json.loads(s) for s in ev["payload"]]
        self._vehicles(ev[ev["stype"] == "vehicle"])
        self._failures(ev[(ev["stype"] == "failure") & (ev["type"] == "FailureReported")])
        self._work_orders(ev[ev["stype"] == "workorder"])
        self._parts(ev[ev["stype"] == "part"])

    @classmethod
    def from_sqlite(cls, path, tenant, **kw):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        q = ("SELECT e.position, s.aggregate_type AS stype, s.aggregate_id AS sid, e.event_type AS type, "
             "e.occurred_at AS at, e.payload FROM events e JOIN streams s ON s.stream_pk = e.stream_pk "
             "WHERE e.tenant = ?")
        df = pd.read_sql_query(q, con, params=(tenant,))
        con.close()
        return cls(df, **kw)

    @classmethod
    def from_facts(cls, folder, labour_rate=75.0):
        """From the fact tables the analytics benchmark exports (benchmarks/analytics/export_facts.cpp)."""
        self = cls.__new__(cls)
        self.labour_rate = labour_rate
        read = lambda name: pd.read_csv(f"{folder}/{name}.csv")
        veh = read("vehicles").set_index("id")
        veh["retired"] = veh["retired"].fillna(NEVER).astype(np.int64)
        self.veh = veh
        st = read("statuses")
        st["next"] = st.groupby("vehicle")["at"].shift(-1).fillna(NEVER).astype(np.int64)
        self.status = st
        self.meters = read("meters")
        f = read("failures")
        f["sa"] = f["sa"].astype(bool)
        self.fail = f
        self.wo = read("work_orders").set_index("id")
        self.cost = read("costs")
        self.stock = read("stock")
        self.issues = read("issues")
        self.issues["emptied"] = self.issues["emptied"].astype(bool)
        return self

    # ---- facts ----
    def _vehicles(self, v):
        reg = v[v["type"] == "VehicleRegistered"].drop_duplicates("sid")
        self.veh = pd.DataFrame({
            "id": reg["sid"].values,
            "type": [p["vehicle_type"] for p in reg["p"]],
            "depot": [p["depot"] for p in reg["p"]],
            "registered": reg["at"].values,
        }).set_index("id")
        tr = v[v["type"] == "VehicleTransferred"]
        for sid, p in zip(tr["sid"], tr["p"]):  # the latest depot wins
            self.veh.loc[sid, "depot"] = p["to_depot"]
        self.veh["retired"] = NEVER
        ret = v[v["type"] == "VehicleRetired"]
        self.veh.loc[ret["sid"].values, "retired"] = ret["at"].values
        st = pd.concat([
            pd.DataFrame({"vehicle": reg["sid"].values, "at": reg["at"].values, "position": reg["position"].values,
                          "status": [p.get("status", "in_service") for p in reg["p"]]}),
            pd.DataFrame({"vehicle": v.loc[v["type"] == "VehicleStatusChanged", "sid"].values,
                          "at": v.loc[v["type"] == "VehicleStatusChanged", "at"].values,
                          "position": v.loc[v["type"] == "VehicleStatusChanged", "position"].values,
                          "status": [p["status"] for p in v.loc[v["type"] == "VehicleStatusChanged", "p"]]}),
        ])
        st = st.sort_values(["vehicle", "at", "position"], kind="stable")
        st["next"] = st.groupby("vehicle")["at"].shift(-1).fillna(NEVER).astype(np.int64)
        self.status = st
        mr = v[v["type"] == "MeterReadingRecorded"]
        self.meters = pd.DataFrame({"vehicle": mr["sid"].values, "at": mr["at"].values, "position": mr["position"].values,
                                    "km": [float(p.get("odometer_km", p.get("km", 0))) for p in mr["p"]]})

    def _failures(self, f):
        self.fail = pd.DataFrame({"vehicle": [p["vehicle_id"] for p in f["p"]], "at": f["at"].values,
                                  "system": [p["system"] for p in f["p"]],
                                  "sa": [bool(p["service_affecting"]) for p in f["p"]]})

    def _work_orders(self, w):
        created = w[w["type"] == "WorkOrderCreated"].drop_duplicates("sid")
        wo = pd.DataFrame({"id": created["sid"].values, "vehicle": [p["vehicle_id"] for p in created["p"]],
                           "category": [p["category"] for p in created["p"]], "created": created["at"].values,
                           "due": [_due(p["due_date"]) for p in created["p"]]}).set_index("id")
        for col, typ in [("started", "WorkOrderStarted"), ("completed", "WorkOrderCompleted"),
                         ("cancelled", "WorkOrderCancelled")]:
            e = w[w["type"] == typ].drop_duplicates("sid", keep="last")
            wo[col] = pd.Series(e["at"].values, index=e["sid"].values).reindex(wo.index)
        sch = w[w["type"] == "WorkOrderScheduled"].drop_duplicates("sid", keep="last")
        wo["sched_end"] = pd.Series([_due(p["end"]) for p in sch["p"]], index=sch["sid"].values, dtype="float64").reindex(wo.index)
        self.wo = wo
        pc = w[w["type"] == "WorkOrderPartsConsumed"]
        lb = w[w["type"] == "WorkOrderLabourBooked"]
        self.cost = pd.concat([
            pd.DataFrame({"wo": pc["sid"].values, "at": pc["at"].values,
                          "parts": [p["quantity"] * p["unit_cost"] for p in pc["p"]], "labour": 0.0}),
            pd.DataFrame({"wo": lb["sid"].values, "at": lb["at"].values, "parts": 0.0,
                          "labour": [float(p["hours"]) for p in lb["p"]]}),
        ])
        self.cost["vehicle"] = wo["vehicle"].reindex(self.cost["wo"].values).values

    def _parts(self, parts):
        on_hand, cost = {}, {}
        total = 0.0
        value_points, issues = [], []
        for sid, typ, at, p in zip(parts["sid"], parts["type"], parts["at"], parts["p"]):
            if typ == "PartDefined":
                if sid not in on_hand:
                    on_hand[sid], cost[sid] = 0, float(p["unit_cost"])
                continue
            if sid not in on_hand:
                continue
            before = on_hand[sid] * cost[sid]
            if typ == "StockReceived":
                on_hand[sid] += p["quantity"]
                cost[sid] = float(p.get("unit_cost", cost[sid]))
            elif typ == "StockIssued":
                on_hand[sid] -= p["quantity"]
                issues.append((at, p["quantity"] * float(p.get("unit_cost", cost[sid])), on_hand[sid] <= 0))
            elif typ == "StockReturned":
                on_hand[sid] += p["quantity"]
            elif typ == "StockCounted":
                on_hand[sid] = p["counted_quantity"]
            else:
                continue
            total += on_hand[sid] * cost[sid] - before
            value_points.append((at, total))
        self.stock = pd.DataFrame(value_points, columns=["at", "value"]).sort_values("at", kind="stable")
        self.issues = pd.DataFrame(issues, columns=["at", "value", "emptied"])

    # ---- KPIs ----
    def _scope(self, depot, vehicle_type, vehicle_id):
        v = self.veh
        m = pd.Series(True, index=v.index)
        if depot:
            m &= v["depot"] == depot
        if vehicle_type:
            m &= v["type"] == vehicle_type
        if vehicle_id:
            m &= v.index == vehicle_id
        return set(v.index[m])

    def _odometer(self, vehicles, t):
        """Odometer of each vehicle at its time t: linear between readings, flat outside them."""
        q = pd.DataFrame({"vehicle": vehicles, "t": t, "i": np.arange(len(t))}).sort_values("t", kind="stable")
        m = self.meters.sort_values("at", kind="stable")[["vehicle", "at", "km"]]
        a = pd.merge_asof(q, m, left_on="t", right_on="at", by="vehicle", direction="backward")
        b = pd.merge_asof(q, m, left_on="t", right_on="at", by="vehicle", direction="forward", allow_exact_matches=False)
        a_km, b_km = a["km"].to_numpy(), b["km"].to_numpy()
        a_at, b_at = a["at"].to_numpy(dtype=float), b["at"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            mid = a_km + (q["t"].to_numpy() - a_at) / (b_at - a_at) * (b_km - a_km)
        value = np.where(np.isnan(a_km), b_km, np.where(np.isnan(b_km), a_km, mid))
        out = np.empty(len(t))
        out[q["i"].to_numpy()] = np.nan_to_num(value, nan=0.0)
        return out

    def kpis(self, frm, to, depot=None, vehicle_type=None, vehicle_id=None):
        scope = self._scope(depot, vehicle_type, vehicle_id)
        veh = self.veh[self.veh.index.isin(scope)]
        lo_v = np.maximum(frm, veh["registered"].to_numpy())
        hi_v = np.minimum(to, veh["retired"].to_numpy())
        active = pd.DataFrame({"lo": lo_v, "hi": hi_v}, index=veh.index)
        active = active[active["lo"] < active["hi"]]

        st = self.status[self.status["vehicle"].isin(active.index)]
        lo = np.maximum(st["at"].to_numpy(), active["lo"].reindex(st["vehicle"]).to_numpy())
        hi = np.minimum(st["next"].to_numpy(), active["hi"].reindex(st["vehicle"]).to_numpy())
        dur = np.clip(hi - lo, 0, None) / HOUR
        up_mask = st["status"].isin(UP).to_numpy()
        up, down = dur[up_mask].sum(), dur[~up_mask].sum()
        in_service = dur[(st["status"] == "in_service").to_numpy()].sum()
        ids = active.index.to_numpy()
        km = float((self._odometer(ids, active["hi"].to_numpy()) - self._odometer(ids, active["lo"].to_numpy())).sum())

        f = self.fail[(self.fail["at"] >= frm) & (self.fail["at"] < to) & self.fail["vehicle"].isin(scope)]
        failures, sa = len(f), int(f["sa"].sum())

        wo = self.wo[self.wo["vehicle"].isin(scope) & (self.wo["created"] < to)]  # an order counts from its creation
        rep = wo[(wo["category"] == "corrective") & wo["completed"].notna() & wo["started"].notna()
                 & (wo["completed"] >= frm) & (wo["completed"] < to)]
        repair_h = ((rep["completed"] - rep["started"]) / HOUR).sum()
        not_cancelled = wo["cancelled"].isna()
        sch = wo[wo["sched_end"].notna() & (wo["sched_end"] >= frm) & (wo["sched_end"] < to) & not_cancelled]
        sch_ok = (sch["completed"].notna() & (sch["completed"] <= sch["sched_end"])).sum()
        pm = wo[(wo["category"] == "preventive") & not_cancelled & (wo["due"] >= frm) & (wo["due"] < to)]
        pm_ok = (pm["completed"].notna() & (pm["completed"] <= pm["due"])).sum()
        closed = (wo["completed"].notna() & (wo["completed"] < to)) | (wo["cancelled"].notna() & (wo["cancelled"] < to))
        backlog = int(((wo["created"] < to) & ~closed).sum())

        c = self.cost[(self.cost["at"] >= frm) & (self.cost["at"] < to) & self.cost["vehicle"].isin(scope)]
        cost = c["parts"].sum() + c["labour"].sum() * self.labour_rate

        mtbf = _ratio(in_service, failures)
        mttr = _ratio(repair_h, len(rep))
        fleet = not (depot or vehicle_type or vehicle_id)
        out = {
            "availability": _ratio(up, up + down),
            "mtbf": mtbf,
            "mdbf": _ratio(km, sa),
            "mttr": mttr,
            "inherent_availability": _ratio(mtbf, mtbf + mttr) if mtbf is not None and mttr is not None else None,
            "failures": float(failures),
            "schedule_compliance": _ratio(sch_ok, len(sch)),
            "pm_compliance": _ratio(pm_ok, len(pm)),
            "backlog": float(backlog),
            "maintenance_cost_per_km": _ratio(cost, km),
            "inventory_turnover": None,
            "stockout_rate": None,
        }
        if fleet:
            iss = self.issues[(self.issues["at"] >= frm) & (self.issues["at"] < to)]
            out["inventory_turnover"] = _ratio(iss["value"].sum(), self._average_stock(frm, to))
            out["stockout_rate"] = _ratio(int(iss["emptied"].sum()), len(iss))
        return out

    def _average_stock(self, frm, to):
        at, val = self.stock["at"].to_numpy(), self.stock["value"].to_numpy()
        i = np.searchsorted(at, frm, side="right")
        start = val[i - 1] if i > 0 else 0.0
        inside = (at > frm) & (at < to)
        times = np.concatenate(([frm], at[inside], [to]))
        values = np.concatenate(([start], val[inside]))
        return float((values * np.diff(times)).sum() / (to - frm))
