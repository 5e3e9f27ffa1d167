/**
 * Typed view of versions.json, the one place that pins providers, the engine,
 * Talos, Kubernetes, Cilium and every Helm chart. Nothing else in lib/ or
 * stacks/ writes a version literal.
 */
import pins from "../versions.json";

/** A Terraform provider pin. */
export interface ProviderPin {
  /** Registry source, e.g. `bpg/proxmox`. */
  readonly source: string;
  /** Exact version. */
  readonly version: string;
}

/** A Helm chart pin. */
export interface ChartPin {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export type ProviderName = keyof typeof pins.providers;
export type ChartName = keyof typeof pins.charts;

export const PROVIDERS: Readonly<Record<ProviderName, ProviderPin>> = pins.providers;
export const CHARTS: Readonly<Record<ChartName, ChartPin>> = pins.charts;

/** Default Talos, Kubernetes and Cilium versions of a mesh (the config may choose others the compatibility table allows). */
export const PLATFORM = pins.platform;

/** A manifest its project publishes as plain YAML, kept unedited in a local chart of charts/ at a release tag. */
export interface VendoredManifest {
  /** Release tag it is copied at. */
  readonly version: string;
  /** Its release source, the tag filled in. */
  readonly url: string;
  /** The copy, relative to the project root. */
  readonly path: string;
  /** Git object id of the file at the tag (what `git hash-object` gives for an unedited copy). */
  readonly blob: string;
  /** The local chart (charts/<chart>) that installs it. */
  readonly chart: string;
}
export type VendoredManifestName = Exclude<keyof typeof pins.manifests, "$comment">;
export const MANIFESTS = Object.fromEntries(
  Object.entries(pins.manifests)
    .filter(([name]) => !name.startsWith("$"))
    .map(([name, m]) => {
      const pin = m as Omit<VendoredManifest, "url"> & { readonly url: string };
      return [name, { ...pin, url: pin.url.replace("{version}", pin.version) }];
    }),
) as unknown as Readonly<Record<VendoredManifestName, VendoredManifest>>;

/** A chart its project publishes in no Helm repository, kept unedited in this repository at a release tag. */
export interface VendoredChart {
  /** GitHub repository it is copied from. */
  readonly github: string;
  /** Release tag it is copied at (also its images' tag). */
  readonly version: string;
  /** Its folder in this repository, relative to the project root. */
  readonly path: string;
}
export type VendoredChartName = Exclude<keyof typeof pins.vendoredCharts, "$comment">;
export const VENDORED_CHARTS = pins.vendoredCharts as unknown as Readonly<Record<VendoredChartName, VendoredChart>>;
/** A container image aggrik8s runs itself (not a chart's default): its repository and exact tag. */
export interface ImagePin {
  readonly repository: string;
  readonly tag: string;
}
export type ImageName = Exclude<keyof typeof pins.images, "$comment">;
export const IMAGES = pins.images as unknown as Readonly<Record<ImageName, ImagePin>>;
/** CRD bundles vendored as local charts (charts/): the version, the Cilium minor it belongs to, the chart folder and its release source. */
export const CRDS: Readonly<Record<keyof typeof pins.crds, { readonly version: string; readonly ciliumMinor: string; readonly chart: string }>> = pins.crds;

/** The oldest Terraform or OpenTofu the stacks run with (write-only attributes need 1.11). */
export const MINIMUM_ENGINE_VERSION: string = pins.engine.minimum;
