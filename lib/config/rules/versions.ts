/** Talos, Kubernetes and Cilium versions against the compatibility table. */
import { CILIUM_KUBERNETES_TESTED, TALOS_KUBERNETES, inRange, minorOf } from "../compat";
import { MeshRule } from "./rule";

export const versions: MeshRule = (config, { err, warn }) => {
  const { talos, kubernetes, cilium } = config.versions;
  const k8s = minorOf(kubernetes);
  const talosRange = TALOS_KUBERNETES[minorOf(talos)];
  if (!talosRange) {
    err(
      "versions.talos",
      `Talos ${talos} is not in the compatibility table (${Object.keys(TALOS_KUBERNETES)
        .map((m) => `${m}.x`)
        .join(", ")})`,
      "choose a Talos version from the table in docs/config.md, or extend lib/config/compat.ts from the Talos machinery sources",
    );
  } else if (!inRange(k8s, talosRange)) {
    err(
      "versions.kubernetes",
      `Kubernetes ${kubernetes} is outside what Talos ${talos} supports (${talosRange.min} - ${talosRange.max})`,
      `choose Kubernetes ${talosRange.min} to ${talosRange.max}, or another Talos version`,
    );
  }
  const ciliumRange = CILIUM_KUBERNETES_TESTED[minorOf(cilium)];
  if (!ciliumRange) {
    err(
      "versions.cilium",
      `Cilium ${cilium} is not in the compatibility table (${Object.keys(CILIUM_KUBERNETES_TESTED)
        .map((m) => `${m}.x`)
        .join(", ")})`,
      "choose a Cilium version from the table in docs/config.md",
    );
  } else if (!inRange(k8s, ciliumRange)) {
    warn(
      "versions.kubernetes",
      `Kubernetes ${kubernetes} is outside the versions Cilium ${cilium} is tested on (${ciliumRange.min} - ${ciliumRange.max})`,
      "prefer a tested pair",
    );
  }
};
