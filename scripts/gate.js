#!/usr/bin/env node
// A health gate, run by Terraform at apply (local-exec of lib/gates/apply-gate.ts).
// Polls the Kubernetes API with the cluster's CA and admin certificate (TLS
// verified) every 10 s (GATE_INTERVAL_SECONDS) until the check passes or
// GATE_TIMEOUT_SECONDS pass.
//
//   node scripts/gate.js readyz       /readyz answers 200 (API server up, etcd reachable): needs no pod network
//   node scripts/gate.js nodes-dns    every node in GATE_NODES is Ready, and kube-dns has a ready endpoint (CoreDNS serves)
//   node scripts/gate.js delete-nodes deletes the Node objects in GATE_NODES (leaving nodes the Talos stack has reset); gone already is fine
//   node scripts/gate.js crds-established   every CRD in GATE_CRDS exists with Established=True (registered by an operator at start)
//
// Environment: GATE_HOST (https://host:6443), GATE_CA_PEM, GATE_CERT_PEM, GATE_KEY_PEM, GATE_NODES, GATE_CRDS, GATE_TIMEOUT_SECONDS,
// GATE_INTERVAL_SECONDS (between attempts; default 10, which the gate resources keep; the tests poll faster).
"use strict";
const https = require("https");
const { setTimeout: sleep } = require("timers/promises");

/** GET (or `method`) path on the API; resolves { status, body }. */
function get(path, env, method = "GET") {
  return new Promise((resolve) => {
    const url = new (require("url").URL)(path, env.GATE_HOST);
    const req = https.request(url, { method, ca: env.GATE_CA_PEM, cert: env.GATE_CERT_PEM, key: env.GATE_KEY_PEM, timeout: 10000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e) => resolve({ status: 0, body: e.message }));
    req.end();
  });
}

/** One attempt: "" when the check passes, else why not. */
async function attempt(check, env) {
  if (check === "readyz") {
    const r = await get("/readyz", env);
    return r.status === 200 ? "" : `/readyz: ${r.status || "no answer"} ${r.body.slice(0, 200)}`;
  }
  if (check === "crds-established") {
    const missing = [];
    for (const crd of (env.GATE_CRDS || "").split(",").filter(Boolean)) {
      const r = await get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`, env);
      if (r.status === 404) missing.push(`${crd} not registered`);
      else if (r.status !== 200) missing.push(`${crd}: ${r.status || "no answer"} ${r.body.slice(0, 200)}`);
      else if (!((JSON.parse(r.body).status || {}).conditions || []).some((c) => c.type === "Established" && c.status === "True"))
        missing.push(`${crd} not Established`);
    }
    return missing.join("; ");
  }
  const want = (env.GATE_NODES || "").split(",").filter(Boolean);
  if (check === "delete-nodes") {
    for (const name of want) {
      const r = await get(`/api/v1/nodes/${encodeURIComponent(name)}`, env, "DELETE");
      if (r.status !== 200 && r.status !== 202 && r.status !== 404) return `delete node ${name}: ${r.status || "no answer"} ${r.body.slice(0, 200)}`;
    }
    return "";
  }
  const nodes = await get("/api/v1/nodes", env);
  if (nodes.status !== 200) return `nodes: ${nodes.status || "no answer"} ${nodes.body.slice(0, 200)}`;
  const ready = new Set(
    JSON.parse(nodes.body)
      .items.filter((n) => (n.status.conditions || []).some((c) => c.type === "Ready" && c.status === "True"))
      .map((n) => n.metadata.name),
  );
  const notReady = want.filter((n) => !ready.has(n));
  if (notReady.length) return `not Ready: ${notReady.join(", ")}`;
  const slices = await get("/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkube-dns", env);
  if (slices.status !== 200) return `kube-dns endpoints: ${slices.status || "no answer"}`;
  const dnsReady = JSON.parse(slices.body).items.some((s) => (s.endpoints || []).some((e) => e.conditions && e.conditions.ready));
  return dnsReady ? "" : "kube-dns has no ready endpoint (CoreDNS not serving)";
}

async function main() {
  const check = process.argv[2];
  if (!["readyz", "nodes-dns", "delete-nodes", "crds-established"].includes(check)) {
    console.error("usage: node scripts/gate.js readyz|nodes-dns|delete-nodes|crds-established");
    process.exit(2);
  }
  const env = process.env;
  for (const v of ["GATE_HOST", "GATE_CA_PEM", "GATE_CERT_PEM", "GATE_KEY_PEM"]) {
    if (!env[v]) {
      console.error(`gate: ${v} is not set (the Terraform gate resource passes it)`);
      process.exit(2);
    }
  }
  const deadline = Date.now() + Number(env.GATE_TIMEOUT_SECONDS || 900) * 1000;
  const interval = Number(env.GATE_INTERVAL_SECONDS || 10) * 1000;
  if (!(interval > 0)) {
    console.error(
      `gate: GATE_INTERVAL_SECONDS ${JSON.stringify(env.GATE_INTERVAL_SECONDS)} is not a positive number of seconds. Fix: unset it (10 s) or give one, e.g. 5`,
    );
    process.exit(2);
  }
  let why;
  for (;;) {
    why = await attempt(check, env);
    if (!why) {
      console.log(`gate ${check}: passed`);
      return;
    }
    if (Date.now() > deadline) break;
    await sleep(interval);
  }
  const fix =
    check === "crds-established"
      ? "the operator that registers them (cilium-operator for cilium.io) is not running or failed: kubectl -n kube-system logs deploy/cilium-operator, then deploy again"
      : "find the cause with kubectl get nodes / talosctl health; to deploy a repair while the cluster is degraded, set healthGates: false for the cluster (docs/operations.md)";
  console.error(`gate ${check} at ${env.GATE_HOST}: did not pass in ${env.GATE_TIMEOUT_SECONDS || 900}s: ${why}. Fix: ${fix}`);
  process.exit(1);
}
main();
