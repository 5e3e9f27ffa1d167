/**
 * Every day-2 component, in install order. A new component is a file in this
 * folder (see component.ts) and one line here; the config schema, the
 * platform stack, the capacity check and the namespace rules all read this list.
 */
import { kubescape } from "./kubescape";
import { metricsServer } from "./metrics-server";
import { openTelemetry } from "./opentelemetry";
import { robusta } from "./robusta";
import { rookCeph } from "./rook-ceph";
import { tetragon } from "./tetragon";

export const PLATFORM_COMPONENTS = [tetragon, rookCeph, openTelemetry, robusta, kubescape, metricsServer] as const;

type Component = (typeof PLATFORM_COMPONENTS)[number];

/** Each component's config part by its key, for `clusters[].platform`. */
export const PLATFORM_COMPONENT_SCHEMAS = Object.fromEntries(PLATFORM_COMPONENTS.map((c) => [c.key, c.schema])) as {
  readonly [C in Component as C["key"]]: C["schema"];
};
