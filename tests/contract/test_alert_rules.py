"""Alert rules pass their unit tests (`promtool test rules`), every alert has a test and a runbook
section, and the Grafana dashboard asks Prometheus only valid PromQL about metrics the services
and RabbitMQ really export. promtool comes from deploy/prometheus/promtool.sh (installs the
Debian package `prometheus` when it is missing)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "chibo.json"
PROMTOOL = PROM / "promtool.sh"


def promtool(*args: str, cwd: Path = PROM) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PROMTOOL), *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def alerts() -> list[dict[str, object]]:
    groups = yaml.safe_load((PROM / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_alert_rules_are_valid_and_pass_their_unit_tests() -> None:
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = promtool("test", "rules", "alerts.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_a_wrong_expectation_fails(tmp_path: Path) -> None:
    """The unit tests can fail: the same rules, an expectation they do not meet."""
    (tmp_path / "alerts.yml").write_text((PROM / "alerts.yml").read_text())
    (tmp_path / "wrong.test.yml").write_text(
        yaml.safe_dump(
            {
                "rule_files": ["alerts.yml"],
                "tests": [
                    {
                        "interval": "1m",
                        "input_series": [
                            {"series": 'chibo_broker_connected{service="x"}', "values": "1 1 1 1"}
                        ],
                        "alert_rule_test": [
                            {
                                "eval_time": "3m",
                                "alertname": "ChiboBrokerDisconnected",
                                "exp_alerts": [
                                    {"exp_labels": {"severity": "page", "service": "x"}}
                                ],
                            }
                        ],
                    }
                ],
            }
        )
    )
    assert promtool("test", "rules", "wrong.test.yml", cwd=tmp_path).returncode != 0


def test_every_alert_is_tested_and_has_a_runbook() -> None:
    tested = set(re.findall(r"alertname: (\w+)", (PROM / "alerts.test.yml").read_text()))
    runbook = (ROOT / "deploy" / "README.md").read_text()
    for rule in alerts():
        name = str(rule["alert"])
        assert name in tested, f"{name} has no promtool test"
        assert re.search(rf"^### {name}\b", runbook, re.M), f"{name} has no runbook section"


def exported_metric_names() -> set[str]:
    """Metric names declared in the project's code (prometheus-client Counter/Gauge/Histogram)."""
    names: set[str] = set()
    for path in [*ROOT.glob("libs/*/src/**/*.py"), *ROOT.glob("services/*/src/**/*.py")]:
        text = path.read_text()
        names |= {f"chibo_{m}" for m in re.findall(r'f"\{NS\}_(\w+)"', text)}
        names |= set(re.findall(r'"(chibo_\w+)"', text))
        names |= {
            f"chibo_{a}_{b}" for a, b in re.findall(r'domain_name\(\s*"(\w+)",\s*"(\w+)"', text)
        }
    return names


def test_the_dashboard_shows_what_operators_need_with_real_metrics(tmp_path: Path) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    titles = " | ".join(p["title"] for p in dashboard["panels"]).lower()
    for needed in (
        "intake", "accepted → scored", "outbox backlog", "oldest", "consumer lag",
        "dead letters", "escalations", "missed meetings", "delivery failures",
    ):  # fmt: skip
        assert needed in titles, needed
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exported = exported_metric_names()
    assert "chibo_outbox_pending_events" in exported  # the scan itself works
    for expr in exprs + [str(r["expr"]) for r in alerts()]:
        for metric in re.findall(r"\b(chibo_\w+)", expr):
            base = re.sub(r"_(bucket|sum|count)$", "", metric)
            assert metric in exported or base in exported, f"{metric} is not exported"
        for metric in re.findall(r"\b(rabbitmq_\w+)", expr):
            assert metric.startswith(("rabbitmq_detailed_queue_", "rabbitmq_alarms_")), metric
    # Every expression parses: promtool checks them as recording rules.
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"chibo:panel_{i}", "expr": e} for i, e in enumerate(exprs)],
            }
        ]
    }
    (tmp_path / "dashboard-rules.yml").write_text(yaml.safe_dump(rules))
    checked = promtool("check", "rules", str(tmp_path / "dashboard-rules.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_grafana_provisions_the_dashboard_from_prometheus() -> None:
    prov = ROOT / "deploy" / "grafana" / "provisioning"
    source = yaml.safe_load((prov / "datasources" / "prometheus.yaml").read_text())
    uid = source["datasources"][0]["uid"]
    provider = yaml.safe_load((prov / "dashboards" / "chibo.yaml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    dashboard = json.loads(DASHBOARD.read_text())
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == uid
