// The apply proof's judgement of the live global-echo Service: Cilium shares a
// Service across the mesh only when service.cilium.io/global is "true", so the
// check must fail on a Service that lost the annotation or carries another value.
import { GLOBAL_APP, globalServiceVerdict } from "../../proofs/apply/global-service";

/** The Service as `kubectl get svc -o json` returns it after Helm installed the chart, with `annotations` as its metadata's. */
function live(annotations: Record<string, string> | undefined) {
  return {
    status: 0,
    stderr: "",
    stdout: JSON.stringify({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "global-echo",
        namespace: "global-echo",
        labels: { "app.kubernetes.io/managed-by": "Helm" },
        ...(annotations && { annotations }),
        resourceVersion: "812",
        uid: "5b0c6f3e-1f4e-4a57-9d43-0e9c2b1a7d11",
      },
      spec: {
        selector: { "app.kubernetes.io/name": "global-echo" },
        ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
        type: "ClusterIP",
      },
    }),
  };
}
const HELM = { "meta.helm.sh/release-name": "global-echo", "meta.helm.sh/release-namespace": "global-echo" };
const WHAT = 'talos-east: Service global-echo/global-echo carries service.cilium.io/global: "true" from the release values';

describe("the apply proof's global-service check", () => {
  it("passes the real shape: the release values' annotations beside Helm's, global \"true\"", () => {
    const v = globalServiceVerdict("talos-east", live({ ...HELM, ...GLOBAL_APP.annotations }));
    expect(v).toEqual({ ok: true, what: `${WHAT} (live: ${JSON.stringify({ ...HELM, ...GLOBAL_APP.annotations })})` });
  });

  it.each([
    ["no annotations at all", undefined],
    ["Helm's annotations only", HELM],
    ["the global annotation missing", { ...HELM, "service.cilium.io/affinity": "local" }],
    ['global "false"', { ...HELM, ...GLOBAL_APP.annotations, "service.cilium.io/global": "false" }],
    ['global "True" (not the string the values set)', { ...HELM, ...GLOBAL_APP.annotations, "service.cilium.io/global": "True" }],
    ["the affinity lost", { ...HELM, "service.cilium.io/global": "true" }],
  ])("fails a Service with %s", (_name, annotations) => {
    const v = globalServiceVerdict("talos-east", live(annotations));
    expect(v.ok).toBe(false);
    expect(v.what).toBe(`${WHAT} (live: ${JSON.stringify(annotations ?? {})})`);
  });

  it("fails when the Service cannot be read, naming kubectl's error", () => {
    const v = globalServiceVerdict("talos-west", {
      status: 1,
      stdout: "",
      stderr: 'Error from server (NotFound): services "global-echo" not found\n',
    });
    expect(v).toEqual({
      ok: false,
      what: 'talos-west: Service global-echo/global-echo carries service.cilium.io/global: "true" from the release values (live: kubectl exit 1: Error from server (NotFound): services "global-echo" not found)',
    });
    expect(globalServiceVerdict("talos-west", { status: 0, stdout: "error: unexpected\n", stderr: "" })).toEqual({
      ok: false,
      what: 'talos-west: Service global-echo/global-echo carries service.cilium.io/global: "true" from the release values (live: not JSON: error: unexpected)',
    });
  });
});
