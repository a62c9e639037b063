#!/usr/bin/env python3
"""Writes grafana/opencdn-dashboard.json: the Grafana dashboard of the metrics edges and DNS
servers export. Edit the panels here and run it again (python3 monitoring/make-dashboard.py)."""
import json, os

DS = {"type": "prometheus", "uid": "${datasource}"}
panels = []
y = 0


def row(title):
    global y
    panels.append({"type": "row", "title": title, "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                   "id": len(panels) + 1, "panels": []})
    y += 1


def panel(title, targets, unit="short", x=0, w=8, h=8, kind="timeseries", description=""):
    p = {"type": kind, "title": title, "description": description, "datasource": DS, "id": len(panels) + 1,
         "gridPos": {"h": h, "w": w, "x": x, "y": y},
         "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
         "targets": [{"datasource": DS, "expr": e, "legendFormat": l, "refId": chr(65 + i)} for i, (e, l) in enumerate(targets)]}
    if kind == "stat":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"}
    panels.append(p)


def line(*ps):
    global y
    x = 0
    for p in ps:
        p(x)
        x += 8
    y += 8


E = '{job="opencdn-edges",instance=~"$edge"}'
D = '{job="opencdn-dns",instance=~"$dns"}'

row("Edges")
line(lambda x: panel("Edges up", [(f"up{E}", "{{instance}}")], "none", x, kind="stat",
                     description="1 while the edge answers its scrape"),
     lambda x: panel("Requests/s", [(f"sum by (instance) (rate(cdn_requests_total{E}[1m]))", "{{instance}}")], "reqps", x),
     lambda x: panel("Hit ratio", [(f"sum by (instance) (rate(cdn_cache_hits_total{E}[5m])) / sum by (instance) (rate(cdn_requests_total{E}[5m]))",
                                     "{{instance}}")], "percentunit", x))
line(lambda x: panel("Bytes/s to clients", [(f"sum by (instance) (rate(cdn_response_bytes_total{E}[1m]))", "{{instance}}")], "Bps", x),
     lambda x: panel("Origin (filler) latency", [
         (f"histogram_quantile(0.5, sum by (le, instance) (rate(cdn_origin_latency_seconds_bucket{E}[5m])))", "p50 {{instance}}"),
         (f"histogram_quantile(0.99, sum by (le, instance) (rate(cdn_origin_latency_seconds_bucket{E}[5m])))", "p99 {{instance}}")], "s", x),
     lambda x: panel("Misses, passes, errors /s", [
         (f"sum by (instance) (rate(cdn_cache_misses_total{E}[1m]))", "miss {{instance}}"),
         (f"sum by (instance) (rate(cdn_passes_total{E}[1m]))", "pass {{instance}}"),
         (f"sum by (instance) (rate(cdn_errors_total{E}[1m]))", "502/504 {{instance}}"),
         (f"sum by (instance) (rate(cdn_cache_stale_served_total{E}[1m]))", "stale served {{instance}}")], "reqps", x))
line(lambda x: panel("Cache size", [(f"cdn_cache_bytes{E}", "bytes {{instance}}")], "bytes", x),
     lambda x: panel("Cache entries and evictions/s", [(f"cdn_cache_entries{E}", "entries {{instance}}"),
                                                        (f"rate(cdn_cache_evictions_total{E}[1m])", "evictions/s {{instance}}")], "short", x),
     lambda x: panel("Client connections", [(f"cdn_client_connections{E}", "open {{instance}}"),
                                             (f"rate(cdn_client_connections_refused_total{E}[1m])", "refused/s {{instance}}"),
                                             (f"rate(cdn_client_connections_timed_out_total{E}[1m])", "timed out/s {{instance}}")], "short", x))
line(lambda x: panel("Origins failing (cluster)", [(f"max(cdn_origins_failing{E})", "failing")], "none", x, kind="stat"),
     lambda x: panel("Cluster members", [(f"cdn_cluster_members{E}", "{{instance}}")], "none", x),
     lambda x: panel("Access log lines/s", [(f"rate(cdn_access_log_lines_total{E}[1m])", "written {{instance}}"),
                                             (f"rate(cdn_access_log_dropped_total{E}[1m])", "dropped {{instance}}")], "short", x))

row("DNS servers")
line(lambda x: panel("DNS servers up", [(f"up{D}", "{{instance}}")], "none", x, kind="stat"),
     lambda x: panel("Queries/s by rcode", [(f"sum by (rcode) (rate(dns_queries_total{D}[1m]))", "{{rcode}}")], "reqps", x),
     lambda x: panel("SERVFAIL share", [(f"sum by (instance) (rate(dns_queries_total{{job=\"opencdn-dns\",instance=~\"$dns\",rcode=\"SERVFAIL\"}}[5m]))"
                                          f" / sum by (instance) (rate(dns_queries_total{D}[5m]))", "{{instance}}")], "percentunit", x))
line(lambda x: panel("Answers by edge /s", [(f"sum by (edge) (rate(dns_answers_total{D}[1m]))", "{{edge}}")], "reqps", x,
                     description="edges named in geo-routed answers: where clients are sent"),
     lambda x: panel("Query duration", [
         (f"histogram_quantile(0.5, sum by (le) (rate(dns_query_duration_seconds_bucket{D}[5m])))", "p50"),
         (f"histogram_quantile(0.99, sum by (le) (rate(dns_query_duration_seconds_bucket{D}[5m])))", "p99")], "s", x),
     lambda x: panel("RRL, reloads, decision log", [(f"sum by (action) (rate(dns_rrl_total{D}[1m]))", "rrl {{action}}/s"),
                                                    (f"sum by (result) (increase(dns_reloads_total{D}[15m]))", "reloads {{result}} /15m"),
                                                    (f"sum (rate(dns_decision_log_dropped_total{D}[1m]))", "decision log dropped/s")], "short", x))

var = lambda name, metric, job: {"name": name, "type": "query", "datasource": DS, "refresh": 2, "includeAll": True, "multi": True,
                                 "current": {"text": "All", "value": "$__all"},
                                 "query": {"query": f'label_values(up{{job="{job}"}}, instance)', "refId": name},
                                 "definition": f'label_values(up{{job="{job}"}}, instance)'}
dashboard = {
    "title": "OpenCDN", "uid": "opencdn", "schemaVersion": 39, "version": 1, "editable": True,
    "time": {"from": "now-1h", "to": "now"}, "refresh": "10s", "tags": ["opencdn", "cdn"],
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus", "current": {}, "label": "Prometheus"},
        var("edge", "up", "opencdn-edges"), var("dns", "up", "opencdn-dns")]},
    "panels": panels,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grafana", "opencdn-dashboard.json")
with open(out, "w") as f:
    json.dump(dashboard, f, indent=1)
    f.write("\n")
