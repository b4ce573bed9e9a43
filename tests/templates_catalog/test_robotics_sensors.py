"""robotics_sensors: what a robotics or perception engineer would check first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.templates_catalog._helpers import generate

SMALL = {"robots": 3, "duration_s": 20}


@pytest.fixture(scope="module")
def logs() -> dict[str, pd.DataFrame]:
    return generate("robotics_sensors", SMALL, seed=41)


def test_streams_have_the_configured_rates_and_monotone_clocks(
    logs: dict[str, pd.DataFrame],
) -> None:
    for table, hz in (("imu", 100), ("gps", 5), ("lidar", 10)):
        frame = logs[table]
        per_robot = frame.groupby("robot_id")
        assert (per_robot.size() == int(20 * hz)).all(), table
        assert per_robot["ts"].apply(lambda s: s.is_monotonic_increasing).all(), table
        assert per_robot["ts"].apply(lambda s: s.diff().dropna().gt(pd.Timedelta(0)).all()).all()
        step = per_robot["ts"].apply(lambda s: s.diff().dropna().median()).dt.total_seconds()
        assert np.allclose(step, 1 / hz, rtol=0.15), (table, step)
    robots = logs["robots"].set_index("robot_id")
    first = logs["imu"].groupby("robot_id")["ts"].min()
    assert (first >= robots.loc[first.index, "started_at"]).all()


def test_imu_readings_are_physically_plausible(logs: dict[str, pd.DataFrame]) -> None:
    imu = logs["imu"]
    assert imu["accel_z"].median() == pytest.approx(9.80665, abs=0.2)  # gravity on z
    assert imu["accel_x"].abs().median() < 1.0
    assert imu[["gyro_x", "gyro_y", "gyro_z"]].abs().median().max() < 0.5  # rad/s
    assert imu[["accel_x", "accel_y", "accel_z"]].abs().max().max() <= 78.4  # a ±8 g sensor


def test_gps_stays_near_the_site_at_walking_speeds(logs: dict[str, pd.DataFrame]) -> None:
    gps = logs["gps"].merge(logs["robots"], on="robot_id")
    north = (gps["lat"] - gps["home_lat"]) * 111_320
    east = (gps["lon"] - gps["home_lon"]) * 78_000
    assert np.hypot(north, east).max() < 1_000  # metres from the site
    speed = gps["speed_mps"].dropna()
    assert speed.between(0, 4).all() and 0.6 <= speed.mean() <= 1.6
    assert gps["satellites"].between(4, 24).all()
    assert gps["heading_deg"].between(0, 360).all()


def test_lidar_ranges_are_within_the_sensor_limits(logs: dict[str, pd.DataFrame]) -> None:
    lidar = logs["lidar"]
    ranges = lidar.filter(like="range_")
    assert ranges.shape[1] == 8
    assert ranges.stack().between(0.05, 30).all()
    assert lidar["point_count"].dropna().between(20_000, 40_000).mean() > 0.99


def _snr_db(series: pd.Series) -> float:
    """Signal over white-noise power; the noise from the MAD of first differences (robust to
    spikes and dropouts)."""
    x = series.dropna().to_numpy()
    d = np.diff(x)
    noise_sd = 1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2)
    return float(10 * np.log10(np.var(x) / noise_sd**2))


def test_the_noise_knob_changes_the_measured_snr() -> None:
    snr = {}
    for level in (0.5, 4.0):
        imu = generate(
            "robotics_sensors", {**SMALL, "noise_level": level}, seed=42, tables=["imu"]
        )["imu"]
        snr[level] = np.median([_snr_db(g["accel_x"]) for _, g in imu.groupby("robot_id")])
    # 8x the noise sd is 18 dB if noise dominated; the AR motion keeps some high-frequency
    # power, so we ask for at least 10 dB.
    assert snr[0.5] - snr[4.0] >= 10, snr


def test_failures_occur_at_the_knob_rate_and_are_labelled() -> None:
    """100 robots for an hour at 3 failures per robot-hour: about 300 events."""
    frames = generate(
        "robotics_sensors",
        {"robots": 100, "duration_s": 3600, "failure_rate": 3.0},
        seed=43,
        tables=["robots", "failures"],
    )
    failures = frames["failures"]
    assert len(failures) == pytest.approx(300, rel=0.2)
    assert failures["failure_type"].notna().all() and failures["sensor"].notna().all()
    assert set(failures["severity"]) <= {"minor", "major", "critical"}
    robots = frames["robots"].set_index("robot_id")
    start = robots.loc[failures["robot_id"], "started_at"].to_numpy()
    assert (failures["started_at"].to_numpy() >= start).all()
    assert (failures["started_at"].to_numpy() <= start + np.timedelta64(3600, "s")).all()
    assert (failures["ended_at"] > failures["started_at"]).all()
    none = generate(
        "robotics_sensors",
        {"robots": 100, "duration_s": 3600, "failure_rate": 0.0},
        seed=43,
        tables=["failures"],
    )["failures"]
    assert len(none) == 0


def test_fault_injection_adds_dropouts_and_spikes() -> None:
    def glitches(level: float) -> tuple[float, int]:
        imu = generate(
            "robotics_sensors", {**SMALL, "fault_injection": level}, seed=44, tables=["imu"]
        )["imu"]
        jumps = (imu["accel_z"] - 9.80665).abs() > 5
        return float(imu["accel_z"].isna().mean()), int(jumps.sum())

    clean_nulls, clean_spikes = glitches(0.0)
    dirty_nulls, dirty_spikes = glitches(50.0)
    assert clean_nulls == 0 and clean_spikes == 0
    assert dirty_nulls > 0.005 and dirty_spikes > 20


def test_gps_speed_and_heading_agree_with_the_track() -> None:
    """Distance and bearing between fixes 10 s apart match the reported speed and heading."""
    track = generate(
        "robotics_sensors",
        {"robots": 4, "duration_s": 120, "noise_level": 0.1, "fault_injection": 0.0},
        seed=45,
        tables=["gps"],
    )["gps"]
    lag = 50  # fixes: 10 s at 5 Hz
    rel_errors, angle_errors = [], []
    for _, g in track.groupby("robot_id"):
        north = g["lat"].to_numpy() * 111_320
        east = g["lon"].to_numpy() * 111_320 * np.cos(np.radians(g["lat"].mean()))
        dn, de = north[lag:] - north[:-lag], east[lag:] - east[:-lag]
        travelled = g["speed_mps"].rolling(lag).sum().to_numpy()[lag:] / 5
        moving = travelled > 3
        rel_errors.append(np.abs(np.hypot(dn, de) - travelled)[moving] / travelled[moving])
        bearing = np.degrees(np.arctan2(de, dn)) % 360
        mid = g["heading_deg"].to_numpy()[lag // 2 : lag // 2 + len(bearing)]
        diff = np.abs((bearing - mid + 180) % 360 - 180)
        angle_errors.append(diff[moving])
    assert np.median(np.concatenate(rel_errors)) < 0.2
    assert np.median(np.concatenate(angle_errors)) < 25


def test_stream_glitches_are_labelled_at_the_configured_rate() -> None:
    """Six IMU signals with spikes at 0.0002 x fault_injection per step each."""
    imu = generate("robotics_sensors", {**SMALL, "fault_injection": 10.0}, seed=46, tables=["imu"])[
        "imu"
    ]
    spikes = (imu["fault"] == "spike").mean()
    assert spikes == pytest.approx(6 * 0.0002 * 10, rel=0.25)
    assert set(imu["fault"].dropna()) <= {"spike", "stuck", "dropout"}
    dropped = imu["accel_z"].isna()
    assert (imu.loc[dropped, "fault"] == "dropout").all()


LONG = [
    {"duration_s": 20000},  # 100 Hz IMU: 2,000,000 samples per robot
    {"duration_s": 86400, "imu_hz": 1000},
    {"duration_s": 86400, "imu_hz": 1, "gps_hz": 1, "lidar_hz": 40},  # LiDAR is the fastest
]


@pytest.mark.parametrize("params", LONG, ids=["20000s-100Hz", "1day-1kHz", "1day-lidar-40Hz"])
def test_a_recording_longer_than_a_stream_can_hold_is_rejected_naming_duration_s(
    params: dict[str, float],
) -> None:
    from syndata_site.errors import ApiError
    from templates_catalog.registry import template_spec

    with pytest.raises(ApiError) as info:
        template_spec("robotics_sensors", params)
    message = info.value.message
    assert message.startswith("params.duration_s: must be at most 1000000 / the fastest rate")
    assert f"got {float(params['duration_s'])!r}" in message


def test_the_longest_recordings_within_the_stream_limit_are_accepted() -> None:
    from generation import engine
    from templates_catalog.registry import template_spec

    for params in (
        {"duration_s": 10000},  # exactly 1,000,000 IMU samples at 100 Hz
        {"duration_s": 1000, "imu_hz": 1000},
        {"duration_s": 86400, "imu_hz": 10, "gps_hz": 10, "lidar_hz": 10},
    ):
        spec = engine.parse_spec(template_spec("robotics_sensors", {"robots": 1, **params}))
        assert spec.tables["imu"].series.length == int(
            params["duration_s"] * params.get("imu_hz", 100)
        )


@pytest.mark.django_db
def test_the_api_answers_400_naming_duration_s_for_a_too_long_recording(alice_client: Any) -> None:
    resp = alice_client.post(
        "/api/generate",
        {"template": "robotics_sensors", "params": {"duration_s": 20000}, "format": "csv"},
        format="json",
    )
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"].startswith("params.duration_s: ")
    assert "series.length" not in error["message"]


@pytest.mark.django_db
def test_the_generate_command_names_duration_s_for_a_too_long_recording(tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"^params\.duration_s: must be at most"):
        call_command(
            "generate",
            "--template",
            "robotics_sensors",
            "--param",
            "duration_s=86400",
            "--param",
            "imu_hz=1000",
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        )
    assert not (tmp_path / "out").exists()
