"""robotics_sensors: what a robotics or perception engineer checks first."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from templates_catalog.rules import Rule, Tables


def _monotonic(t: Tables, _: dict[str, Any]) -> int:
    bad = 0
    for table in ("imu", "gps", "lidar"):
        f = t[table]
        step = f.groupby("robot_id")["ts"].diff()
        bad += int((step <= pd.Timedelta(0)).sum())
        first = f.groupby("robot_id")["ts"].min()
        start = t["robots"].set_index("robot_id")["started_at"]
        bad += int((first < start.reindex(first.index)).sum())
    return bad


def _imu(t: Tables, _: dict[str, Any]) -> int:
    imu = t["imu"]
    accel = imu[["accel_x", "accel_y", "accel_z"]].abs() > 78.4  # a ±8 g sensor
    gyro = imu[["gyro_x", "gyro_y", "gyro_z"]].abs() > 34.9  # ±2000 °/s
    return int((accel.any(axis=1) | gyro.any(axis=1)).sum())


def _gps(t: Tables, _: dict[str, Any]) -> int:
    g = t["gps"].merge(t["robots"][["robot_id", "home_lat", "home_lon"]], on="robot_id")
    north = (g["lat"] - g["home_lat"]) * 111_320
    east = (g["lon"] - g["home_lon"]) * 111_320 * np.cos(np.radians(g["home_lat"]))
    bad = np.hypot(north, east) > 1_000
    bad |= g["speed_mps"].notna() & ~g["speed_mps"].between(0, 4)
    bad |= ~g["satellites"].between(4, 24) | ~g["heading_deg"].between(0, 360)
    return int(bad.sum())


def _lidar(t: Tables, _: dict[str, Any]) -> int:
    ranges = t["lidar"].filter(like="range_")
    return int((ranges.notna() & ~ranges.apply(lambda c: c.between(0.05, 30))).any(axis=1).sum())


def _failures(t: Tables, values: dict[str, Any]) -> int:
    f = t["failures"].merge(
        t["robots"][["robot_id", "started_at"]], on="robot_id", suffixes=("", "_r")
    )
    end = f["started_at_r"] + pd.to_timedelta(values["duration_s"], unit="s")
    bad = (f["started_at"] < f["started_at_r"]) | (f["started_at"] > end)
    bad |= f["ended_at"] <= f["started_at"]
    bad |= f["failure_type"].isna() | f["sensor"].isna()
    bad |= ~f["severity"].isin(["minor", "major", "critical"])
    return int(bad.sum())


RULES = {
    "clocks_monotonic": Rule(
        "Each robot's IMU, GPS and lidar timestamps strictly increase and start at or after the "
        "robot's recording start.",
        _monotonic,
    ),
    "imu_in_sensor_range": Rule(
        "Accelerations stay within ±8 g (78.4 m/s²) and rates within ±2000 °/s.", _imu
    ),
    "gps_near_site": Rule(
        "GPS fixes stay within 1 km of the site at 0-4 m/s, with 4-24 satellites and a heading "
        "in 0-360°.",
        _gps,
    ),
    "lidar_in_range": Rule("Lidar ranges are within the sensor's 0.05-30 m.", _lidar),
    "failures_labelled": Rule(
        "Failures lie within the recording, end after they start and name a type, a sensor "
        "and a severity (minor, major, critical).",
        _failures,
    ),
}
